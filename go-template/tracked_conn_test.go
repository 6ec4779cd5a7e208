//go:build linux

package nodego

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// trackedServer serves "ok" on a tracking listener, as Server does.
func trackedServer(t *testing.T) (*connRegistry, string) {
	t.Helper()
	reg := newConnRegistry(NodeLimits)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			w.Write([]byte("ok" + string(body)))
		}),
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
	eventually(t, "the idle connection is parked at a request boundary", func() bool { return len(reg.busy(nil)) == 0 })
	if _, err := c.get(200 * time.Millisecond); err == nil {
		t.Fatal("a parked connection answered")
	}
	reg.unparkAll()
	if body, err := c.read(time.Second); body != "ok" || err != nil {
		t.Fatalf("after unparking, the waiting request: %q %v", body, err)
	}
}

// A head net/http has begun to read is a boundary too: its bytes are held,
// to travel with the connection.
func TestAHalfReadHeadIsHeldNotBusy(t *testing.T) {
	reg, addr := trackedServer(t)
	c := dial(t, addr)
	c.Write([]byte("GET /next HTTP/1.1\r\nHo"))
	eventually(t, "the server has read the half head", func() bool {
		for _, tc := range reg.all() {
			return len(tc.held()) > 0
		}
		return false
	})
	reg.parkAll(nil)
	defer reg.unparkAll()
	eventually(t, "quiet", func() bool { return len(reg.busy(nil)) == 0 })
	if held := string(reg.all()[0].held()); held != "GET /next HTTP/1.1\r\nHo" {
		t.Errorf("held %q", held)
	}
}

// A request whose body is on its way when parking starts is read to its end
// and answered; only then is the connection quiet.
func TestARequestInProgressFinishesWhileParked(t *testing.T) {
	reg, addr := trackedServer(t)
	c := dial(t, addr)
	c.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabc"))
	eventually(t, "the request is being served", func() bool {
		for _, tc := range reg.all() {
			tc.mu.Lock()
			defer tc.mu.Unlock()
			return tc.state == http.StateActive
		}
		return false
	})
	reg.parkAll(nil)
	defer reg.unparkAll()
	time.Sleep(50 * time.Millisecond)
	if busy := reg.busy(nil); len(busy) != 1 || !strings.Contains(busy[0], "a request in progress") {
		t.Fatalf("busy = %q", busy)
	}
	c.Write([]byte("def"))
	if body, err := c.read(time.Second); body != "okabcdef" || err != nil {
		t.Fatalf("the request in progress: %q %v", body, err)
	}
	eventually(t, "quiet once answered", func() bool { return len(reg.busy(nil)) == 0 })
}

// The byte of the next request that net/http's background read takes when a
// response ends is held, not lost.
func TestTheBackgroundReadsByteIsHeld(t *testing.T) {
	reg, addr := trackedServer(t)
	c := dial(t, addr)
	// The second request's first byte arrives with the first request.
	c.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nxP"))
	if body, err := c.read(time.Second); body != "okx" || err != nil {
		t.Fatalf("first: %q %v", body, err)
	}
	reg.parkAll(nil)
	defer reg.unparkAll()
	eventually(t, "quiet", func() bool { return len(reg.busy(nil)) == 0 })
	if held := string(reg.all()[0].held()); held != "P" {
		t.Errorf("held %q, want the P of the next POST", held)
	}
}

func TestNothingIsAcceptedWhileParked(t *testing.T) {
	reg, addr := trackedServer(t)
	reg.parkAll(nil)
	eventually(t, "no Accept is running", func() bool { return len(reg.busy(nil)) == 0 })
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
