package handoff

import (
	"strings"
	"testing"
)

func stdio() map[int]fakeFD {
	return map[int]fakeFD{0: {what: "stdin"}, 1: {what: "stdout"}, 2: {what: "stderr"}}
}

func envOf(vars map[string]string) (func(string) (string, bool), func(string) error, map[string]bool) {
	unset := map[string]bool{}
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		func(k string) error { unset[k] = true; return nil },
		unset
}

func TestReceiveConsumesTheHandoff(t *testing.T) {
	open := stdio()
	open[3] = fakeFD{what: "listener"}
	open[5] = fakeFD{what: "epoll", cloexec: true} // someone else's, inside the slots
	open[12] = fakeFD{what: "conn"}
	open[13] = fakeFD{what: "replay"}
	f := newFakeFDs(t, open)
	lookup, unset, unsetNames := envOf(map[string]string{
		"LISTEN_PID": "77", "LISTEN_FDS": "1", "LISTEN_FDNAMES": "http", "NODEGO_HANDOFF": "1",
		"NODEGO_HOST": "plain", "NODEGO_CONNS": "12@0", "NODEGO_REPLAY": "12:13",
	})
	receive(lookup, unset, 77)

	h, err := Received()
	if err != nil || h == nil || len(h.Conns) != 1 || h.Conns[0].Replay != 13 {
		t.Fatalf("Received = %+v, %v", h, err)
	}
	for _, name := range Variables {
		if !unsetNames[name] {
			t.Errorf("%s was not unset", name)
		}
	}
	// The listener moved out of its slot, above the reserved ones, close-on-exec.
	moved := state.moved[3]
	if moved < FirstFD+ReservedSlots || f.fds[moved].what != "listener" || !f.fds[moved].cloexec {
		t.Errorf("listener moved to %d: %+v", moved, f.fds[moved])
	}
	// Its slot, and every free one, now holds a close-on-exec placeholder.
	for i := 0; i < ReservedSlots; i++ {
		slot := FirstFD + i
		if slot == 5 {
			if state.reserved[i] || f.fds[5].what != "epoll" {
				t.Errorf("fd 5 was someone else's and must be left alone: %+v", f.fds[5])
			}
			continue
		}
		if !state.reserved[i] || f.fds[slot].what != "/dev/null" || !f.fds[slot].cloexec {
			t.Errorf("slot %d: reserved=%v %+v", slot, state.reserved[i], f.fds[slot])
		}
	}
	// The connection and its replay stay where they are, close-on-exec now.
	for _, fd := range []int{12, 13} {
		if !f.fds[fd].cloexec || state.moved[fd] != fd {
			t.Errorf("fd %d: %+v, moved to %d", fd, f.fds[fd], state.moved[fd])
		}
	}
}

func TestReceiveReportsAnFDThatIsNotOpen(t *testing.T) {
	newFakeFDs(t, stdio())
	lookup, unset, _ := envOf(map[string]string{"LISTEN_PID": "9", "LISTEN_FDS": "0", "NODEGO_HANDOFF": "1", "NODEGO_CONNS": ""})
	receive(lookup, unset, 9)
	if _, err := Received(); err != nil {
		t.Fatalf("an empty hand-off: %v", err)
	}
	newFakeFDs(t, stdio())
	lookup, unset, _ = envOf(map[string]string{"LISTEN_PID": "9", "LISTEN_FDS": "1", "NODEGO_HANDOFF": "1"})
	receive(lookup, unset, 9)
	if _, err := Received(); err == nil || !strings.Contains(err.Error(), "fd 3 was handed over but is not open") {
		t.Errorf("a listener that is not there: %v", err)
	}
}

func TestReceiveIgnoresAnotherProcesssHandoff(t *testing.T) {
	f := newFakeFDs(t, stdio())
	lookup, unset, unsetNames := envOf(map[string]string{"LISTEN_PID": "1", "LISTEN_FDS": "1"})
	receive(lookup, unset, 2)
	if h, err := Received(); h != nil || err != nil {
		t.Errorf("Received = %+v, %v; want nothing", h, err)
	}
	if !unsetNames["LISTEN_FDS"] {
		t.Error("the variables must be unset even so: a child must not see them")
	}
	if !state.reserved[0] || f.fds[3].what != "/dev/null" {
		t.Error("slots are reserved for a later Exec even without a hand-off")
	}
}
