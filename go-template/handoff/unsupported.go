//go:build !linux

package handoff

import (
	"fmt"
	"runtime"
)

// Supported: this OS can receive and send hand-offs. Elsewhere than Linux
// the runtime builds and serves (for local work), and there is no hand-off:
// Received and Take report none, as go-systemd's activation does.
const Supported = false

// Exec is Linux-only.
func Exec(path string, argv []string, env []string, out Outgoing) error {
	return fmt.Errorf("handoff: execve hand-offs need Linux, this is %s", runtime.GOOS)
}
