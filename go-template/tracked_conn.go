package nodego

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/nodego/nodego/handoff"
)

// trackedConn wraps every connection the server serves, so that a later
// hand-off (Replace) can stop it at a request boundary: a parked connection
// finishes the request in progress, then reads nothing more, and the
// client's next bytes wait in the kernel for the next process. The bytes of
// the next request that net/http had already read when it stopped (half a
// head, or the byte its background read takes) are known from the framing,
// and travel with the connection. Reads go through the RawConn so that a
// parked reader can decline to read while staying in the netpoller.
type trackedConn struct {
	net.Conn
	raw      syscall.RawConn
	listener int
	reg      *connRegistry

	mu      sync.Mutex
	state   http.ConnState
	framing *requestFraming
	reading bool
	parking bool
	kicked  bool
	// The read deadline is the earlier of net/http's (SetReadDeadline) and
	// the request's: RequestTimeout after its first byte, until its last.
	httpDeadline    time.Time
	requestDeadline time.Time
	requestTimeout  time.Duration
	applied         time.Time
}

func (c *trackedConn) tracked() *trackedConn { return c }

// SetReadDeadline is net/http's; the request's own deadline still applies.
func (c *trackedConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.httpDeadline = t
	c.mu.Unlock()
	return c.applyDeadline(true)
}

// applyDeadline sets the earlier of the two deadlines on the socket, when it
// changed (or always, after a wake-up deadline replaced it).
func (c *trackedConn) applyDeadline(always bool) error {
	c.mu.Lock()
	d := c.httpDeadline
	if !c.requestDeadline.IsZero() && (d.IsZero() || c.requestDeadline.Before(d)) {
		d = c.requestDeadline
	}
	changed := always || !d.Equal(c.applied)
	c.applied = d
	c.mu.Unlock()
	if !changed {
		return nil
	}
	return c.Conn.SetReadDeadline(d)
}

func (c *trackedConn) Read(p []byte) (int, error) {
	c.applyDeadline(false)
	c.mu.Lock()
	c.reading = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.reading = false
		c.mu.Unlock()
	}()
	for {
		var n int
		var readErr error
		err := c.raw.Read(func(fd uintptr) bool {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.parking && c.state != http.StateActive {
				return false // at a request boundary: leave the bytes in the kernel
			}
			for {
				n, readErr = sysRead(fd, p)
				if readErr != syscall.EINTR {
					break
				}
			}
			if readErr == syscall.EAGAIN {
				return false
			}
			if n > 0 {
				began := c.framing.atBoundary()
				c.framing.observe(p[:n])
				switch {
				case c.framing.atBoundary():
					c.requestDeadline = time.Time{}
				case began && c.requestTimeout > 0:
					c.requestDeadline = time.Now().Add(c.requestTimeout)
				}
			}
			return true
		})
		if err != nil {
			c.mu.Lock()
			kicked := c.kicked
			c.kicked = false
			c.mu.Unlock()
			if kicked && errors.Is(err, os.ErrDeadlineExceeded) {
				c.applyDeadline(true) // the real deadline again
				continue              // woken to re-read after an unpark
			}
			return 0, err
		}
		if readErr != nil {
			return 0, readErr
		}
		if n == 0 && len(p) > 0 {
			return 0, io.EOF
		}
		return n, nil
	}
}

func (c *trackedConn) setState(s http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = s
}

// quiet: parked between requests, net/http waiting for the next one. It may
// hold the first bytes of that request (see held).
func (c *trackedConn) quiet() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, inHead := c.framing.held()
	return c.parking && c.reading && inHead && (c.state == http.StateIdle || c.state == http.StateNew)
}

// held is a copy of the bytes of the next request that net/http has read
// (nil when none): the next process must read them before the socket.
func (c *trackedConn) held() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	head, _ := c.framing.held()
	if len(head) == 0 {
		return nil
	}
	return append([]byte(nil), head...)
}

// doing says what a connection that is not quiet is doing, for errors.
func (c *trackedConn) doing() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, inHead := c.framing.held(); !inHead || c.state == http.StateActive {
		return "a request in progress"
	}
	return "between requests, not yet waiting for the next"
}

func (c *trackedConn) park() {
	c.mu.Lock()
	c.parking = true
	c.mu.Unlock()
}

// unpark lets reads go on; a reader parked in the poller may sit on bytes
// that already arrived, so it is woken to look again.
func (c *trackedConn) unpark() {
	c.mu.Lock()
	wasParked := c.parking && c.reading
	c.parking = false
	c.kicked = wasParked
	c.mu.Unlock()
	if wasParked {
		c.Conn.SetReadDeadline(time.Now())
	}
}

func (c *trackedConn) fd() (int, error) { return rawFD(c.raw) }

func (c *trackedConn) CloseWrite() error { return closeWrite(c.Conn) }

// trackable is a connection that is, or wraps, a trackedConn.
type trackable interface{ tracked() *trackedConn }

type connRegistry struct {
	limits Limits

	mu        sync.Mutex
	conns     map[*trackedConn]struct{}
	parking   bool // a hand-off is under way: nothing new is accepted or read
	accepting int  // goroutines inside a listener's Accept
	unparked  *sync.Cond
	listeners []*trackingListener
}

func newConnRegistry(limits Limits) *connRegistry {
	r := &connRegistry{conns: map[*trackedConn]struct{}{}, limits: limits}
	r.unparked = sync.NewCond(&r.mu)
	return r
}

// track wraps c; a connection that cannot give its fd, or any connection
// where there are no hand-offs, is served untracked.
func (r *connRegistry) track(c net.Conn, listener int) net.Conn {
	if !handoff.Supported {
		return c
	}
	sc, ok := c.(syscall.Conn)
	if !ok {
		return c
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return c
	}
	t := &trackedConn{
		Conn: c, raw: raw, listener: listener, reg: r, state: http.StateNew,
		framing:        newRequestFraming(r.limits.MaxHeaderBytes + 4096),
		requestTimeout: r.limits.RequestTimeout,
	}
	r.mu.Lock()
	r.conns[t] = struct{}{}
	t.parking = r.parking
	r.mu.Unlock()
	return t
}

// parkAll parks every connection but self, and stops accepting: a
// connection accepted but not yet tracked would be lost in the exec, one left
// in the kernel's backlog is the next process's.
func (r *connRegistry) parkAll(self *trackedConn) {
	r.mu.Lock()
	r.parking = true
	for c := range r.conns {
		if c != self {
			c.park()
		}
	}
	listeners := r.listeners
	r.mu.Unlock()
	for _, l := range listeners {
		l.setDeadline(time.Now()) // wakes an Accept waiting in the poller
	}
}

func (r *connRegistry) unparkAll() {
	r.mu.Lock()
	r.parking = false
	for c := range r.conns {
		c.unpark()
	}
	listeners := r.listeners
	r.unparked.Broadcast()
	r.mu.Unlock()
	for _, l := range listeners {
		l.setDeadline(time.Time{})
	}
}

// busy says what stands in the way of a hand-off: connections (self aside)
// not parked at a request boundary, and goroutines still inside Accept.
func (r *connRegistry) busy(self *trackedConn) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var why []string
	if r.accepting > 0 {
		why = append(why, fmt.Sprintf("%d accepts under way", r.accepting))
	}
	for c := range r.conns {
		if c != self && !c.quiet() {
			why = append(why, fmt.Sprintf("%v: %s", c.RemoteAddr(), c.doing()))
		}
	}
	return why
}

// connState is the http.Server hook.
func (r *connRegistry) connState(c net.Conn, s http.ConnState) {
	t, ok := c.(trackable)
	if !ok {
		return
	}
	tc := t.tracked()
	if tc == nil {
		return
	}
	tc.setState(s)
	if s == http.StateClosed || s == http.StateHijacked {
		r.mu.Lock()
		delete(r.conns, tc)
		r.mu.Unlock()
	}
}

func (r *connRegistry) all() []*trackedConn {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*trackedConn, 0, len(r.conns))
	for c := range r.conns {
		out = append(out, c)
	}
	return out
}

type trackingListener struct {
	net.Listener
	index int
	reg   *connRegistry
}

func newTrackingListener(l net.Listener, index int, reg *connRegistry) *trackingListener {
	t := &trackingListener{Listener: l, index: index, reg: reg}
	reg.mu.Lock()
	reg.listeners = append(reg.listeners, t)
	reg.mu.Unlock()
	return t
}

func (l *trackingListener) setDeadline(t time.Time) {
	if d, ok := l.Listener.(interface{ SetDeadline(time.Time) error }); ok {
		d.SetDeadline(t)
	}
}

// Accept waits while a hand-off is under way, so that every connection it
// returns is tracked before the hand-off can count what to pass on.
func (l *trackingListener) Accept() (net.Conn, error) {
	r := l.reg
	for {
		r.mu.Lock()
		for r.parking {
			r.unparked.Wait()
		}
		r.accepting++
		r.mu.Unlock()
		c, err := l.Listener.Accept()
		if err == nil {
			c = r.track(c, l.index)
		}
		r.mu.Lock()
		r.accepting--
		r.mu.Unlock()
		// Only parkAll sets a listener deadline: go back and wait it out.
		if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
			continue
		}
		return c, err
	}
}
