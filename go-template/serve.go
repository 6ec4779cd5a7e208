// Package nodego is the Go side of nodego: it adopts the sockets a Node.js
// process handed over when it execve'd into this binary (same PID, same
// listeners, same keep-alive connections) and serves them with net/http.
// Started any other way, it listens on $PORT (8080 by default), so the same
// function runs under `go run` too. Replace hands everything on, the same
// way, to another binary.
package nodego

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nodego/nodego/handoff"
)

// Server serves Handler on what was handed over, or on Addr.
type Server struct {
	Handler http.Handler
	// Addr is used when no listener was handed over; default ":$PORT", or
	// ":8080" when PORT is unset; "unix:/path" for a Unix socket.
	Addr string
	// ShutdownTimeout bounds the drain after SIGTERM or SIGINT; default DefaultTimeout.
	ShutdownTimeout time.Duration
	// Logger gets the runtime's own lines; default stderr, "nodego: " prefix.
	Logger *log.Logger
	// Host is passed on by Replace as NODEGO_HOST; default: the host this
	// process was handed, if any.
	Host string
	// Limits against slow and stalled clients; a zero field takes its
	// variable (see Limits), else Node's default.
	Limits Limits

	mu        sync.Mutex
	http      *http.Server
	listeners []handoff.Listener
	reg       *connRegistry
	replacing bool
}

// DefaultTimeout bounds a drain (Shutdown) and a hand-off's wait for a
// quiet point (Replace), as swap()'s timeoutMs does on the Node side.
const DefaultTimeout = 10 * time.Second

// Serve serves h until SIGTERM or SIGINT, then drains in-flight requests.
func Serve(h http.Handler) error {
	return (&Server{Handler: h}).Serve()
}

// DefaultAddr is ":$PORT", or ":8080".
func DefaultAddr() string {
	if port := os.Getenv("PORT"); port != "" {
		return ":" + port
	}
	return ":8080"
}

func (s *Server) logger() *log.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return log.New(os.Stderr, "nodego: ", 0)
}

// listen returns the listeners to serve, the handed-over ones or a new one on
// Addr, and the adopted connections, tracked.
func (s *Server) listen() ([]handoff.Listener, []net.Conn, error) {
	listeners, adopted, err := handoff.Take()
	if err != nil {
		return nil, nil, err
	}
	if len(listeners) == 0 {
		addr := s.Addr
		if addr == "" {
			addr = DefaultAddr()
		}
		network := "tcp"
		if path, ok := strings.CutPrefix(addr, "unix:"); ok {
			network, addr = "unix", path // a Unix socket path (the Firebase emulator's PORT)
		}
		l, err := net.Listen(network, addr)
		if err != nil {
			return nil, nil, fmt.Errorf("nodego: no listener was handed over and %s is not free: %w", addr, err)
		}
		listeners = append(listeners, handoff.Listener{Name: "http", Listener: l})
		s.logger().Printf("listening on %s", l.Addr())
	}
	var conns []net.Conn
	for _, c := range adopted {
		conn := s.reg.track(c.Conn, c.Listener)
		if c.Replay != nil {
			conn = newReplayConn(conn, c.Replay)
		}
		conns = append(conns, conn)
	}
	return listeners, conns, nil
}

// Serve blocks until the server is shut down; it returns nil after a clean
// drain.
func (s *Server) Serve() error {
	limits := resolvedLimits(s.Limits)
	s.reg = newConnRegistry(limits)
	listeners, conns, err := s.listen()
	if err != nil {
		return err
	}
	if s.Host == "" {
		if h, _ := handoff.Received(); h != nil {
			s.Host = h.Host
		}
	}
	srv := &http.Server{
		Handler:     markReplayed(s.Handler),
		ConnContext: rememberConn,
		ConnState:   s.reg.connState,
		ErrorLog:    s.logger(),
		// net/http allows 4 KiB over MaxHeaderBytes; take them off, so that
		// the limit is the head's size, as in Node.
		MaxHeaderBytes:    max(limits.MaxHeaderBytes-4096, 1),
		ReadHeaderTimeout: limits.HeadersTimeout,
		IdleTimeout:       limits.KeepAliveTimeout,
		// RequestTimeout is the tracked connections' (tracked_conn.go):
		// net/http's ReadTimeout would also cut off handlers that run long
		// after the request is in.
	}
	var serving []net.Listener
	for i, l := range listeners {
		serving = append(serving, newTrackingListener(l.Listener, i, s.reg))
	}
	serving = append(serving, newConnQueue(listeners[0].Addr(), conns))
	s.mu.Lock()
	s.http, s.listeners = srv, listeners
	s.mu.Unlock()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(stop)
	errs := make(chan error, len(serving))
	for _, l := range serving {
		go func(l net.Listener) { errs <- srv.Serve(l) }(l)
	}
	select {
	case sig := <-stop:
		s.logger().Printf("%v: draining in-flight requests", sig)
		return s.Shutdown(context.Background())
	case err := <-errs:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

// Shutdown stops accepting and waits for in-flight requests, at most
// ShutdownTimeout.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	srv := s.http
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	timeout := s.ShutdownTimeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return srv.Shutdown(ctx)
}
