//go:build linux

package nodego

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nodego/nodego/handoff"
)

func TestReplaceRefusesWhatItCannotDo(t *testing.T) {
	s := &Server{}
	r := httptest.NewRequest("POST", "/init", nil)
	cases := []struct {
		opts ReplaceOptions
		want string
	}{
		{ReplaceOptions{Binary: "/nonexistent/next", Replay: []byte("x")}, "no binary at /nonexistent/next"},
		{ReplaceOptions{Binary: "/bin/sh"}, "needs the request to replay"},
		{ReplaceOptions{Binary: "/bin/sh", Replay: []byte("x")}, "only inside a handler served by nodego.Server"},
	}
	for _, c := range cases {
		if err := s.Replace(httptest.NewRecorder(), r, c.opts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Replace(%+v) = %v, want %q", c.opts, err, c.want)
		}
	}
}

// What Replace would pass on: every listener, the calling connection first
// with its replay, then every other connection.
func TestOutgoingNamesEveryListenerAndConnection(t *testing.T) {
	s := &Server{Addr: "127.0.0.1:0", Host: handoff.HostOpenWhiskProxy}
	s.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		self := r.Context().Value(connKey).(trackable).tracked()
		out, err := s.outgoing(self, []byte("REPLAY"))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		json.NewEncoder(w).Encode(out)
	})
	go s.Serve()
	defer s.Shutdown(context.Background())
	var addr string
	eventually(t, "listening", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(s.listeners) > 0 {
			addr = s.listeners[0].Addr().String()
		}
		return addr != ""
	})
	for i := 0; i < 2; i++ { // two idle keep-alive connections
		if body, err := dial(t, addr).get(time.Second); err != nil {
			t.Fatal(body, err)
		}
	}
	eventually(t, "both tracked", func() bool { return len(s.reg.all()) == 2 })
	res, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out handoff.Outgoing
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.Host != handoff.HostOpenWhiskProxy || len(out.Listeners) != 1 || out.Listeners[0].Name != "http" || out.Listeners[0].FD < 3 {
		t.Errorf("listeners: %+v", out)
	}
	if len(out.Conns) != 3 || string(out.Conns[0].Replay) != "REPLAY" {
		t.Fatalf("conns: %+v", out.Conns)
	}
	seen := map[int]bool{out.Listeners[0].FD: true}
	for _, c := range out.Conns {
		if seen[c.FD] || c.FD < 3 || c.Listener != 0 {
			t.Errorf("conn %+v: fds must be distinct sockets of listener 0", c)
		}
		seen[c.FD] = true
	}
	for _, c := range out.Conns[1:] {
		if c.Replay != nil {
			t.Errorf("an idle connection carries a replay: %+v", c)
		}
	}
}
