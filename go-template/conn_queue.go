package nodego

import (
	"net"
	"sync"
)

// connQueue is a net.Listener whose Accept returns connections adopted from
// the hand-off, so the same http.Server serves them as it serves new ones.
type connQueue struct {
	addr   net.Addr
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newConnQueue(addr net.Addr, conns []net.Conn) *connQueue {
	q := &connQueue{addr: addr, conns: make(chan net.Conn, len(conns)), closed: make(chan struct{})}
	for _, c := range conns {
		q.conns <- c
	}
	return q
}

func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.conns:
		return c, nil
	default:
	}
	select {
	case c := <-q.conns:
		return c, nil
	case <-q.closed:
		return nil, net.ErrClosed
	}
}

func (q *connQueue) Close() error {
	q.once.Do(func() { close(q.closed) })
	return nil
}

func (q *connQueue) Addr() net.Addr { return q.addr }
