package handoff

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// A process started without a hand-off, serving a listener at fd 20 and a
// keep-alive connection at fd 21, with non-blocking close-on-exec stdio.
func serving(t *testing.T) *fakeFDs {
	open := map[int]fakeFD{
		0: {what: "stdin", cloexec: true}, 1: {what: "stdout", nonblock: true}, 2: {what: "stderr"},
		20: {what: "listener", cloexec: true}, 21: {what: "conn", cloexec: true},
	}
	f := newFakeFDs(t, open)
	lookup, unset, _ := envOf(map[string]string{})
	receive(lookup, unset, 1)
	return f
}

var out = Outgoing{
	Host:      HostOpenWhiskProxy,
	Listeners: []Listener{{FD: 20, Name: "http"}},
	Conns:     []OutgoingConn{{FD: 21, Listener: 0, Replay: []byte("POST /init HTTP/1.1\r\n\r\n")}},
}

func TestExecPassesListenersConnectionsAndReplays(t *testing.T) {
	f := serving(t)
	f.execErr = syscall.ENOEXEC // so that the test process stays
	Exec("/bin/next", []string{"/bin/next"}, []string{"PATH=/bin", "LISTEN_FDS=7", "NODEGO_REPLAY=1:2"}, out)

	replayFD := -1
	for fd, what := range f.keptAtExec {
		if strings.HasPrefix(what, "replay:") {
			replayFD = fd
		}
	}
	if f.keptAtExec[3] != "listener" || f.keptAtExec[21] != "conn" || replayFD < FirstFD+ReservedSlots {
		t.Fatalf("kept across exec: %v", f.keptAtExec)
	}
	for fd := 0; fd < 3; fd++ {
		if _, kept := f.keptAtExec[fd]; !kept {
			t.Errorf("stdio fd %d must survive exec", fd)
		}
	}
	want := []string{"PATH=/bin", "LISTEN_FDNAMES=http", "LISTEN_FDS=1", "LISTEN_PID=" + strconv.Itoa(syscall.Getpid()), "NODEGO_CONNS=21@0",
		"NODEGO_HANDOFF=1", "NODEGO_HOST=openwhisk-proxy", "NODEGO_REPLAY=21:" + strconv.Itoa(replayFD)}
	if !reflect.DeepEqual(f.envAtExec, want) {
		t.Errorf("env = %q\nwant %q", f.envAtExec, want)
	}
}

func TestAFailedExecPutsEveryFDBack(t *testing.T) {
	f := serving(t)
	before := f.snapshot()
	f.execErr = syscall.E2BIG
	err := Exec("/bin/next", []string{"/bin/next"}, nil, out)
	if !errors.Is(err, syscall.E2BIG) {
		t.Fatalf("Exec = %v, want E2BIG", err)
	}
	if after := f.snapshot(); !reflect.DeepEqual(after, before) {
		t.Errorf("fds after a failed exec:\n%v\nbefore:\n%v", after, before)
	}
}

func TestExecRefusesAListenerWithoutASlot(t *testing.T) {
	f := serving(t)
	state.reserved[1] = false
	two := out
	two.Listeners = []Listener{{FD: 20, Name: "a"}, {FD: 20, Name: "b"}}
	if err := Exec("/bin/next", nil, nil, two); !errors.Is(err, ErrSlots) {
		t.Errorf("Exec = %v, want ErrSlots", err)
	}
	if f.keptAtExec != nil {
		t.Error("exec ran")
	}
}
