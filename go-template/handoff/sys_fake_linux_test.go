package handoff

import (
	"fmt"
	"syscall"
	"testing"
)

// fakeFDs is an fd table in memory, put in place of the system calls (sys)
// so that receiving and sending can be checked fd by fd.
type fakeFDs struct {
	fds     map[int]fakeFD
	execErr error
	// At the exec: the fds the new program would keep, and its environment.
	keptAtExec map[int]string
	envAtExec  []string
}

type fakeFD struct {
	what     string
	cloexec  bool
	nonblock bool
}

func newFakeFDs(t *testing.T, open map[int]fakeFD) *fakeFDs {
	f := &fakeFDs{fds: map[int]fakeFD{}}
	for fd, e := range open {
		f.fds[fd] = e
	}
	saved := sys
	sys = f.access()
	t.Cleanup(func() { sys = saved })
	resetState()
	return f
}

func resetState() {
	state.handoff, state.err, state.devNull = nil, nil, -1
	state.reserved = [ReservedSlots]bool{}
	state.moved = map[int]int{}
	state.taken, state.listeners, state.conns = false, nil, nil
}

func (f *fakeFDs) lowestFree(min int) int {
	for fd := min; ; fd++ {
		if _, used := f.fds[fd]; !used {
			return fd
		}
	}
}

func (f *fakeFDs) snapshot() map[int]fakeFD {
	out := map[int]fakeFD{}
	for fd, e := range f.fds {
		out[fd] = e
	}
	return out
}

func (f *fakeFDs) access() sysAccess {
	return sysAccess{
		fcntl: func(fd, cmd, arg int) (int, error) {
			e, ok := f.fds[fd]
			if !ok {
				return -1, syscall.EBADF
			}
			switch cmd {
			case syscall.F_GETFD:
				if e.cloexec {
					return syscall.FD_CLOEXEC, nil
				}
				return 0, nil
			case syscall.F_SETFD:
				e.cloexec = arg&syscall.FD_CLOEXEC != 0
			case syscall.F_GETFL:
				if e.nonblock {
					return syscall.O_NONBLOCK, nil
				}
				return 0, nil
			case syscall.F_SETFL:
				e.nonblock = arg&syscall.O_NONBLOCK != 0
			case syscall.F_DUPFD_CLOEXEC:
				n := f.lowestFree(arg)
				f.fds[n] = fakeFD{what: e.what, cloexec: true}
				return n, nil
			default:
				return -1, fmt.Errorf("fake fcntl: cmd %d", cmd)
			}
			f.fds[fd] = e
			return 0, nil
		},
		dup3: func(oldfd, newfd, flags int) error {
			e, ok := f.fds[oldfd]
			if !ok {
				return syscall.EBADF
			}
			f.fds[newfd] = fakeFD{what: e.what, cloexec: flags&syscall.O_CLOEXEC != 0}
			return nil
		},
		openNull: func() (int, error) {
			n := f.lowestFree(0)
			f.fds[n] = fakeFD{what: "/dev/null", cloexec: true}
			return n, nil
		},
		close: func(fd int) error {
			if _, ok := f.fds[fd]; !ok {
				return syscall.EBADF
			}
			delete(f.fds, fd)
			return nil
		},
		tempFile: func(data []byte) (int, error) {
			n := f.lowestFree(0)
			f.fds[n] = fakeFD{what: "replay:" + string(data), cloexec: true}
			return n, nil
		},
		exec: func(path string, argv, env []string) error {
			f.keptAtExec = map[int]string{}
			for fd, e := range f.fds {
				if !e.cloexec {
					f.keptAtExec[fd] = e.what
				}
			}
			f.envAtExec = env
			return f.execErr
		},
	}
}
