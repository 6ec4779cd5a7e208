package handoff

import "errors"

// Outgoing is what a Go process passes to the binary it execs into.
type Outgoing struct {
	Host string
	// Listeners to place at fds 3, 4, ...: each one's own fd and name.
	Listeners []Listener
	Conns     []OutgoingConn
}

// OutgoingConn is a connection's fd, the index of its listener, and the bytes
// of a request the new process must serve first and answer (nil: none).
type OutgoingConn struct {
	FD       int
	Listener int
	Replay   []byte
}

// ErrSlots means a listener cannot be placed: its slot is not one of this
// process's placeholders (more listeners than ReservedSlots, or an fd that was
// already taken when the process started).
var ErrSlots = errors.New("handoff: no free slot for a listener")
