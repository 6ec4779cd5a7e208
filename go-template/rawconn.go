package nodego

import (
	"errors"
	"net"
	"syscall"
)

// fdOf is a socket's own fd, read through its RawConn: File() would dup it
// and switch the socket to blocking mode under the running server.
func fdOf(c any) (int, error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return -1, errors.New("not a socket")
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return -1, err
	}
	return rawFD(raw)
}

func rawFD(raw syscall.RawConn) (int, error) {
	fd := -1
	err := raw.Control(func(f uintptr) { fd = int(f) })
	return fd, err
}

// closeWrite half-closes c when it can, so that http.Server half-closes a
// wrapped connection as it does a *net.TCPConn.
func closeWrite(c net.Conn) error {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
