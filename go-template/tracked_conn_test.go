//go:build linux

package nodego

import (
	"bufio"
	"net"
	"net/http"
	"testing"
	"time"
)

// trackedServer serves "ok" on a tracking listener, as Server does.
func trackedServer(t *testing.T) (*connRegistry, string) {
	t.Helper()
	reg := newConnRegistry()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{
		Handler:   http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }),
		ConnState: reg.connState,
	}
	go srv.Serve(newTrackingListener(ln, 0, reg))
	t.Cleanup(func() { srv.Close() })
	return reg, ln.Addr().String()
}

type rawClient struct {
	net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *rawClient {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawClient{c, bufio.NewReader(c)}
}

// get sends one keep-alive GET and reads its answer, waiting at most wait.
func (c *rawClient) get(wait time.Duration) (string, error) {
	c.SetDeadline(time.Now().Add(wait))
	if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		return "", err
	}
	return c.read(wait)
}

func (c *rawClient) read(wait time.Duration) (string, error) {
	c.SetDeadline(time.Now().Add(wait))
	res, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	buf := make([]byte, 16)
	n, _ := res.Body.Read(buf)
	return string(buf[:n]), nil
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("never: %s", what)
}

func TestParkedIdleConnectionLeavesTheNextRequestInTheKernel(t *testing.T) {
	reg, addr := trackedServer(t)
	c := dial(t, addr)
	if body, err := c.get(time.Second); body != "ok" || err != nil {
		t.Fatalf("first request: %q %v", body, err)
	}
	reg.parkAll(nil)
	eventually(t, "the idle connection is parked at a request boundary", func() bool { return reg.busy(nil) == 0 })
	if _, err := c.get(200 * time.Millisecond); err == nil {
		t.Fatal("a parked connection answered")
	}
	reg.unparkAll()
	if body, err := c.read(time.Second); body != "ok" || err != nil {
		t.Fatalf("after unparking, the waiting request: %q %v", body, err)
	}
}

// (Bytes not read yet stay in the kernel and travel with the socket: only a
// request Node or Go has begun to read makes a connection busy.)
func TestAHalfReadRequestIsBusy(t *testing.T) {
	reg, addr := trackedServer(t)
	c := dial(t, addr)
	c.Write([]byte("GET / HTTP/1.1\r\nHo"))
	eventually(t, "the server has read the half request", func() bool {
		for _, tc := range reg.all() {
			tc.mu.Lock()
			read := tc.readSinceIdle
			tc.mu.Unlock()
			return read > 0
		}
		return false
	})
	reg.parkAll(nil)
	defer reg.unparkAll()
	time.Sleep(100 * time.Millisecond)
	if n := reg.busy(nil); n != 1 {
		t.Errorf("busy = %d, want 1: a request halfway through its headers is not at a boundary", n)
	}
}

func TestNothingIsAcceptedWhileParked(t *testing.T) {
	reg, addr := trackedServer(t)
	reg.parkAll(nil)
	eventually(t, "no Accept is running", func() bool { return reg.busy(nil) == 0 })
	c := dial(t, addr) // the kernel queues it; nobody takes it
	time.Sleep(100 * time.Millisecond)
	if n := len(reg.all()); n != 0 {
		t.Fatalf("%d connections accepted while parked: the hand-off would lose them", n)
	}
	reg.unparkAll()
	if body, err := c.get(time.Second); body != "ok" || err != nil {
		t.Fatalf("after unparking: %q %v", body, err)
	}
}

func TestAClosedConnectionLeavesTheRegistry(t *testing.T) {
	reg, addr := trackedServer(t)
	c := dial(t, addr)
	c.get(time.Second)
	eventually(t, "tracked", func() bool { return len(reg.all()) == 1 })
	c.Close()
	eventually(t, "forgotten once closed", func() bool { return len(reg.all()) == 0 })
}
