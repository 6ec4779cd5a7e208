//go:build unix

package nodego

import "syscall"

// sysRead reads from a raw socket fd inside RawConn.Read.
func sysRead(fd uintptr, p []byte) (int, error) { return syscall.Read(int(fd), p) }
