package nodego

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nodego/nodego/handoff"
)

// ReplaceOptions says what Replace execs and what the new binary owes.
type ReplaceOptions struct {
	// Binary is the program to become; CheckExecutable and CheckReceiver
	// must accept it.
	Binary string
	// Args follow argv[0] (which is Binary).
	Args []string
	// Replay is the request the new binary must answer in place of the one
	// being served (typically a slimmed copy of it). Required.
	Replay []byte
	// Timeout bounds the wait for requests in progress on other
	// connections to finish; default DefaultTimeout. Meanwhile idle
	// connections wait at most ParkWindow at a time (see waitQuiet).
	Timeout time.Duration
}

// ErrReplacing is returned by a second Replace while one is under way.
var ErrReplacing = errors.New("nodego: a replacement is already under way")

// Replace turns this process into opts.Binary by execve, from inside the
// handler serving r: the listeners, r's connection (answered by the new
// binary, from opts.Replay) and every idle keep-alive connection go over,
// the port never closes. It returns only on failure. An error before the
// connection is taken over leaves w to the caller; after it, Replace has
// answered r with a 502 itself and the error says so (ErrAnswered).
func (s *Server) Replace(w http.ResponseWriter, r *http.Request, opts ReplaceOptions) error {
	if err := handoff.CheckExecutable(opts.Binary); err != nil {
		return err
	}
	if opts.Replay == nil {
		return errors.New("nodego: Replace needs the request to replay")
	}
	current, _ := r.Context().Value(connKey).(trackable)
	hijacker, canHijack := w.(http.Hijacker)
	if current == nil || current.tracked() == nil || !canHijack || s.reg == nil {
		return errors.New("nodego: Replace works only inside a handler served by nodego.Server")
	}
	// The new binary answers the request being served, and adopts every
	// connection: it must be built on nodego's runtime.
	if err := handoff.CheckReceiver(opts.Binary); err != nil {
		return err
	}
	s.mu.Lock()
	if s.replacing {
		s.mu.Unlock()
		return ErrReplacing
	}
	s.replacing = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.replacing = false
		s.mu.Unlock()
	}()

	self := current.tracked()
	if err := s.waitQuiet(self, opts.Timeout); err != nil {
		return err
	}
	conn, rw, err := hijacker.Hijack()
	if err != nil {
		s.reg.unparkAll()
		return err
	}
	self.park()
	// Bytes the client sent after this request, already in our buffer, go
	// with the replay, so the new binary reads them in order.
	leftover, _ := rw.Reader.Peek(rw.Reader.Buffered())
	replay := append(append([]byte{}, opts.Replay...), leftover...)

	out, err := s.outgoing(self, replay)
	if err == nil {
		argv := append([]string{opts.Binary}, opts.Args...)
		err = handoff.Exec(opts.Binary, argv, os.Environ(), out)
	}
	// Still here: the exec failed and everything was put back.
	s.reg.unparkAll()
	body := []byte(`{"error":` + strconv.Quote("cannot start the new binary: "+err.Error()) + "}\n")
	var head bytes.Buffer
	fmt.Fprintf(&head, "HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", len(body))
	conn.Write(append(head.Bytes(), body...))
	conn.Close()
	return fmt.Errorf("%w: %v", ErrAnswered, err)
}

// ErrAnswered wraps a Replace failure after which the request was answered.
var ErrAnswered = errors.New("nodego: the request was answered with a 502")

// ParkWindow is the longest an idle client (or a new connection) waits
// because of a replacement: connections are parked for windows this long,
// and served between them, until one window finds every connection at a
// request boundary.
const ParkWindow = 250 * time.Millisecond

// waitQuiet parks every other connection (each finishes the request it is
// reading or serving, then reads no more) until all are at a request
// boundary, and returns with them parked. A request still in progress at
// the deadline fails the replacement: everything is unparked and goes on.
func (s *Server) waitQuiet(self *trackedConn, timeout time.Duration) error {
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	deadline := time.Now().Add(timeout)
	for {
		s.reg.parkAll(self)
		windowEnd := time.Now().Add(ParkWindow)
		if windowEnd.After(deadline) {
			windowEnd = deadline
		}
		for {
			busy := s.reg.busy(self)
			if len(busy) == 0 {
				return nil
			}
			if time.Now().After(deadline) {
				s.reg.unparkAll()
				return fmt.Errorf("nodego: %d connections still busy after %v (%s)", len(busy), timeout, strings.Join(busy, "; "))
			}
			if time.Now().After(windowEnd) {
				break
			}
			time.Sleep(time.Millisecond)
		}
		// Serve those that waited, then try again.
		s.reg.unparkAll()
		time.Sleep(5 * time.Millisecond)
	}
}

func (s *Server) outgoing(self *trackedConn, replay []byte) (handoff.Outgoing, error) {
	out := handoff.Outgoing{Host: s.Host}
	for _, l := range s.listeners {
		fd, err := fdOf(l.Listener)
		if err != nil {
			return out, fmt.Errorf("nodego: listener %s: %v", l.Addr(), err)
		}
		out.Listeners = append(out.Listeners, handoff.Listener{FD: fd, Name: l.Name})
	}
	fd, err := self.fd()
	if err != nil {
		return out, err
	}
	out.Conns = append(out.Conns, handoff.OutgoingConn{FD: fd, Listener: self.listener, Replay: replay})
	for _, c := range s.reg.all() {
		if c == self {
			continue
		}
		fd, err := c.fd()
		if err != nil {
			continue // closed meanwhile
		}
		// The first bytes of its next request, if net/http had read any.
		out.Conns = append(out.Conns, handoff.OutgoingConn{FD: fd, Listener: c.listener, Replay: c.held()})
	}
	return out, nil
}
