package handoff

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
)

// ReservedSlots is how many fds from 3 up this process holds as /dev/null
// placeholders, so that a later Exec can put listeners there without
// overwriting an fd the Go runtime or another goroutine is using (the netpoll
// epoll fd, a live connection). Exec refuses more listeners than this.
const ReservedSlots = 8

// state is what init received (receive_linux.go); elsewhere it stays empty,
// and there is no hand-off.
var state struct {
	sync.Mutex
	handoff   *Handoff
	err       error
	devNull   int
	reserved  [ReservedSlots]bool
	moved     map[int]int // hand-off fd -> the close-on-exec fd that now holds it
	taken     bool
	listeners []Listener
	conns     []AdoptedConn
}

// Received returns the hand-off this process was started with (nil when it
// was started some other way) and any error in decoding it.
func Received() (*Handoff, error) {
	state.Lock()
	defer state.Unlock()
	return state.handoff, state.err
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
func Take() ([]Listener, []AdoptedConn, error) {
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
		state.listeners = append(state.listeners, Listener{FD: l.FD, Name: l.Name, Listener: ln})
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
