package nodego

import (
	"errors"
	"syscall"
)

// listenerFD is the listener's own fd, without File() (which would dup it
// and switch the socket to blocking mode under the running server).
func listenerFD(l namedListener) (int, error) {
	sc, ok := l.Listener.(syscall.Conn)
	if !ok {
		return -1, errors.New("not a socket listener")
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	err = raw.Control(func(f uintptr) { fd = int(f) })
	return fd, err
}
