package handoff

import (
	"os"
	"syscall"
)

// sysAccess is every system call receiving and sending make, in one value
// so that unit tests can put a fake fd table in its place (as tableflip's
// env does). Only fd-level calls: they run before anything else has fds.
type sysAccess struct {
	fcntl    func(fd, cmd, arg int) (int, error)
	dup3     func(oldfd, newfd, flags int) error
	openNull func() (int, error)
	close    func(fd int) error
	// tempFile is an unlinked file holding data, at offset 0, close-on-exec.
	tempFile func(data []byte) (int, error)
	exec     func(path string, argv, env []string) error
}

var sys = sysAccess{
	fcntl: func(fd, cmd, arg int) (int, error) {
		r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), uintptr(cmd), uintptr(arg))
		if errno != 0 {
			return -1, errno
		}
		return int(r), nil
	},
	dup3:     syscall.Dup3,
	openNull: func() (int, error) { return syscall.Open(os.DevNull, syscall.O_RDONLY|syscall.O_CLOEXEC, 0) },
	close:    syscall.Close,
	tempFile: func(data []byte) (int, error) {
		f, err := os.CreateTemp("", "nodego-replay-*")
		if err != nil {
			return -1, err
		}
		defer f.Close()
		os.Remove(f.Name())
		if _, err := f.Write(data); err != nil {
			return -1, err
		}
		fd, err := syscall.Dup(int(f.Fd()))
		if err != nil {
			return -1, err
		}
		syscall.CloseOnExec(fd)
		if _, err := syscall.Seek(fd, 0, 0); err != nil {
			syscall.Close(fd)
			return -1, err
		}
		return fd, nil
	},
	exec: syscall.Exec,
}

func isOpen(fd int) bool {
	_, err := sys.fcntl(fd, syscall.F_GETFD, 0)
	return err == nil
}

func dupCloexecAbove(fd, min int) (int, error) {
	return sys.fcntl(fd, syscall.F_DUPFD_CLOEXEC, min)
}

func setCloexec(fd int, on bool) error {
	flags, err := sys.fcntl(fd, syscall.F_GETFD, 0)
	if err != nil {
		return err
	}
	if on {
		flags |= syscall.FD_CLOEXEC
	} else {
		flags &^= syscall.FD_CLOEXEC
	}
	_, err = sys.fcntl(fd, syscall.F_SETFD, flags)
	return err
}

func cloexecOf(fd int) (bool, error) {
	flags, err := sys.fcntl(fd, syscall.F_GETFD, 0)
	return flags&syscall.FD_CLOEXEC != 0, err
}
