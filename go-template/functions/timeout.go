package functions

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// withTimeout gives the function CLOUD_RUN_TIMEOUT_SECONDS: its context is
// cancelled then, and if it has still not answered, the framework does (the
// Node framework only aborts its signal and leaves the request hanging).
// The response is buffered so that it cannot half-reach the client.
func withTimeout(next http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		tw := &timeoutWriter{header: http.Header{}}
		done := make(chan struct{})
		start := time.Now()
		go func() {
			defer close(done)
			next.ServeHTTP(tw, r.WithContext(ctx))
		}()
		select {
		case <-done:
			tw.mu.Lock()
			defer tw.mu.Unlock()
			for k, v := range tw.header {
				w.Header()[k] = v
			}
			if tw.code == 0 {
				tw.code = http.StatusOK
			}
			w.WriteHeader(tw.code)
			w.Write(tw.body.Bytes())
		case <-ctx.Done():
			tw.mu.Lock()
			tw.timedOut = true
			tw.mu.Unlock()
			crash(w, "crash", http.StatusRequestTimeout, fmt.Errorf("Function execution took %d ms, finished with status: 'timeout'", time.Since(start).Milliseconds()))
		}
	})
}

type timeoutWriter struct {
	mu       sync.Mutex
	header   http.Header
	body     bytes.Buffer
	code     int
	timedOut bool
}

func (t *timeoutWriter) Header() http.Header { return t.header }

func (t *timeoutWriter) WriteHeader(code int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.code == 0 {
		t.code = code
	}
}

func (t *timeoutWriter) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timedOut {
		return 0, http.ErrHandlerTimeout
	}
	if t.code == 0 {
		t.code = http.StatusOK
	}
	return t.body.Write(b)
}
