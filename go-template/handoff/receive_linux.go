package handoff

import (
	"fmt"
	"os"
	"syscall"
)

// Supported: this OS can receive and send hand-offs.
const Supported = true

// The hand-off is consumed before main runs: variables unset, fds made
// close-on-exec, so that no child process of the function inherits them.
func init() {
	receive(os.LookupEnv, os.Unsetenv, os.Getpid())
	reapReleaser(os.LookupEnv, os.Unsetenv)
}

func receive(lookup func(string) (string, bool), unset func(string) error, pid int) {
	state.devNull = -1
	state.moved = map[int]int{}
	h, err := Decode(lookup, pid)
	for _, name := range Variables {
		unset(name)
	}
	state.handoff, state.err = h, err
	handed := map[int]bool{}
	if h != nil {
		for _, fd := range h.FDs() {
			handed[fd.FD] = true
		}
	}
	reserveSlots(handed)
	for fd := range handed {
		if _, done := state.moved[fd]; done {
			continue
		}
		if err := setCloexec(fd, true); err != nil && state.err == nil {
			state.err = fmt.Errorf("handoff: fd %d was handed over but is not open: %w", fd, err)
		}
		state.moved[fd] = fd
	}
}

// reserveSlots fills the free fds 3..3+ReservedSlots-1 with placeholders,
// first moving any handed-over fd found there to a number above them.
func reserveSlots(handed map[int]bool) {
	above := FirstFD + ReservedSlots
	null, err := sys.openNull()
	if err != nil {
		return
	}
	if null < above {
		moved, err := dupCloexecAbove(null, above)
		sys.close(null)
		if err != nil {
			return
		}
		null = moved
	}
	state.devNull = null
	for i := 0; i < ReservedSlots; i++ {
		slot := FirstFD + i
		if handed[slot] {
			copyFD, err := dupCloexecAbove(slot, above)
			if err != nil {
				continue
			}
			state.moved[slot] = copyFD
		} else if isOpen(slot) {
			continue // someone else's fd: not ours to reserve
		}
		if sys.dup3(null, slot, syscall.O_CLOEXEC) == nil {
			state.reserved[i] = true
		}
	}
}
