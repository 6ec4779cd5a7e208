package nodego

import "syscall"

// sysRead reads from a raw socket handle inside RawConn.Read. (Connections
// are tracked only where hand-offs exist, Linux; this keeps the runtime
// building for local work on Windows.)
func sysRead(fd uintptr, p []byte) (int, error) { return syscall.Read(syscall.Handle(fd), p) }
