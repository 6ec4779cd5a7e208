package handoff

import "syscall"

// fcntl without the os package: these run before anything else has fds.
func fcntl(fd, cmd, arg int) (int, error) {
	r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), uintptr(cmd), uintptr(arg))
	if errno != 0 {
		return -1, errno
	}
	return int(r), nil
}

func isOpen(fd int) bool {
	_, err := fcntl(fd, syscall.F_GETFD, 0)
	return err == nil
}

func dupCloexecAbove(fd, min int) (int, error) {
	return fcntl(fd, syscall.F_DUPFD_CLOEXEC, min)
}

func setCloexec(fd int, on bool) error {
	flags, err := fcntl(fd, syscall.F_GETFD, 0)
	if err != nil {
		return err
	}
	if on {
		flags |= syscall.FD_CLOEXEC
	} else {
		flags &^= syscall.FD_CLOEXEC
	}
	_, err = fcntl(fd, syscall.F_SETFD, flags)
	return err
}

func cloexecOf(fd int) (bool, error) {
	flags, err := fcntl(fd, syscall.F_GETFD, 0)
	return flags&syscall.FD_CLOEXEC != 0, err
}
