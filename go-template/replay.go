package nodego

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"sync/atomic"
)

// replayConn serves first the bytes the previous process had read from the
// connection (a request it did not answer, or the first bytes of the next
// one), then the socket.
type replayConn struct {
	net.Conn
	replay *bytes.Reader
	// Set by the first request served on this connection.
	served atomic.Bool
	// Set once a read went past the replayed bytes to the socket.
	fromSocket atomic.Bool
}

func newReplayConn(c net.Conn, replay []byte) *replayConn {
	return &replayConn{Conn: c, replay: bytes.NewReader(replay)}
}

func (c *replayConn) Read(p []byte) (int, error) {
	if c.replay.Len() > 0 {
		return c.replay.Read(p)
	}
	c.fromSocket.Store(true)
	return c.Conn.Read(p)
}

// tracked is the tracked connection underneath, if any.
func (c *replayConn) tracked() *trackedConn {
	if t, ok := c.Conn.(trackable); ok {
		return t.tracked()
	}
	return nil
}

// replaying: some replayed bytes are not read yet.
func (c *replayConn) replaying() bool { return c.replay.Len() > 0 }

func (c *replayConn) CloseWrite() error { return closeWrite(c.Conn) }

type contextKey int

const (
	connKey contextKey = iota
	replayedKey
)

// Replayed reports whether r is the request the previous process (Node, or
// an earlier Go binary) had read when it handed over, and that this process
// therefore owes a response: the OpenWhisk /init that loaded the function,
// the legacy worker's /load. A request of which the previous process had
// read only the first bytes is not: its head came partly from the socket.
func Replayed(r *http.Request) bool {
	v, _ := r.Context().Value(replayedKey).(bool)
	return v
}

func rememberConn(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey, c)
}

// markReplayed wraps the user's handler: the first request served on a
// replay connection is the replayed one (a connection serves in order) when
// its head was read from the replay alone.
func markReplayed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, ok := r.Context().Value(connKey).(*replayConn); ok && c.served.CompareAndSwap(false, true) && !c.fromSocket.Load() {
			r = r.WithContext(context.WithValue(r.Context(), replayedKey, true))
		}
		next.ServeHTTP(w, r)
	})
}
