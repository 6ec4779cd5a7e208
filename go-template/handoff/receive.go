package handoff

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"syscall"
)

// ReservedSlots is how many fds from 3 up this process holds as /dev/null
// placeholders, so that a later Exec can put listeners there without
// overwriting an fd the Go runtime or another goroutine is using (the netpoll
// epoll fd, a live connection). Exec refuses more listeners than this.
const ReservedSlots = 8

var state struct {
	sync.Mutex
	handoff   *Handoff
	err       error
	devNull   int
	reserved  [ReservedSlots]bool
	moved     map[int]int // hand-off fd -> the close-on-exec fd that now holds it
	taken     bool
	listeners []NamedListener
	conns     []AdoptedConn
}

// The hand-off is consumed before main runs: variables unset, fds made
// close-on-exec, so that no child process of the function inherits them.
func init() {
	receive(os.LookupEnv, os.Getpid())
}

func receive(lookup func(string) (string, bool), pid int) {
	state.devNull = -1
	state.moved = map[int]int{}
	h, err := Decode(lookup, pid)
	for _, name := range Variables {
		os.Unsetenv(name)
	}
	state.handoff, state.err = h, err
	handed := map[int]bool{}
	if h != nil {
		for _, fd := range h.FDs() {
			handed[fd] = true
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
	null, err := syscall.Open("/dev/null", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	if null < above {
		moved, err := dupCloexecAbove(null, above)
		syscall.Close(null)
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
		if syscall.Dup3(null, slot, syscall.O_CLOEXEC) == nil {
			state.reserved[i] = true
		}
	}
}

// Received returns the hand-off this process was started with (nil when it
// was started some other way) and any error in decoding it.
func Received() (*Handoff, error) {
	state.Lock()
	defer state.Unlock()
	return state.handoff, state.err
}

// NamedListener is an adopted listener and its LISTEN_FDNAMES name.
type NamedListener struct {
	net.Listener
	Name string
}

// AdoptedConn is an adopted connection. Replay holds the bytes of a request
// the sender read and did not answer (nil when none): serve them first.
type AdoptedConn struct {
	net.Conn
	Listener int
	Replay   []byte
}

// Take turns the hand-off into listeners and connections, once; later calls
// return the same values. The fds passed in are closed: the returned values
// own close-on-exec copies.
func Take() ([]NamedListener, []AdoptedConn, error) {
	state.Lock()
	defer state.Unlock()
	if state.taken || state.err != nil || state.handoff == nil {
		return state.listeners, state.conns, state.err
	}
	state.taken = true
	h := state.handoff
	for _, l := range h.Listeners {
		f := os.NewFile(uintptr(state.moved[l.FD]), "listener:"+l.Name)
		ln, err := net.FileListener(f)
		f.Close()
		if err != nil {
			state.err = fmt.Errorf("handoff: listener fd %d (%s): %w", l.FD, l.Name, err)
			return nil, nil, state.err
		}
		state.listeners = append(state.listeners, NamedListener{Listener: ln, Name: l.Name})
	}
	for _, c := range h.Conns {
		f := os.NewFile(uintptr(state.moved[c.FD]), "conn:"+strconv.Itoa(c.FD))
		conn, err := net.FileConn(f)
		f.Close()
		if err != nil {
			state.err = fmt.Errorf("handoff: connection fd %d: %w", c.FD, err)
			return nil, nil, state.err
		}
		adopted := AdoptedConn{Conn: conn, Listener: c.Listener}
		if c.Replay > 0 {
			data := os.NewFile(uintptr(state.moved[c.Replay]), "replay:"+strconv.Itoa(c.FD))
			adopted.Replay, err = io.ReadAll(data)
			data.Close()
			if err != nil {
				state.err = fmt.Errorf("handoff: replay fd %d: %w", c.Replay, err)
				return nil, nil, state.err
			}
		}
		state.conns = append(state.conns, adopted)
	}
	return state.listeners, state.conns, nil
}
