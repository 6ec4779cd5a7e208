package handoff

import (
	"strconv"
	"syscall"
)

// EnvReleaser names the helper the Node side may leave behind: a process
// sharing Node's old address space, so that execve did not have to free it
// first (native/memory_releaser.h). It exits by itself shortly after execve,
// freeing that memory beside this process, and it is this process's child now,
// started with no exit signal: reaping it is ours, or it stays a zombie.
const EnvReleaser = "NODEGO_RELEASER"

// wallChildren is __WALL: wait4 sees a child with no exit signal only with it.
const wallChildren = 0x40000000

func reapReleaser(lookup func(string) (string, bool), unset func(string) error) {
	text, ok := lookup(EnvReleaser)
	if !ok {
		return
	}
	unset(EnvReleaser)
	pid, err := strconv.Atoi(text)
	if err != nil || pid <= 0 {
		return // not a pid: nothing of ours to wait for
	}
	go func() {
		// ECHILD: someone's wait(-1) took it first; either way it is gone.
		for {
			if _, err := syscall.Wait4(pid, nil, wallChildren, nil); err != syscall.EINTR {
				return
			}
		}
	}()
}
