package functions

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"sync"
	"time"
)

// With LOG_EXECUTION_ID=true, log lines become the structured JSON Cloud
// Logging reads, labelled with the request's execution id, as the Node
// framework writes them. Logger(ctx) does it for any number of concurrent
// requests; plain writes to stdout and stderr are labelled when exactly one
// request is running, since Go cannot tell which goroutine wrote them.

const (
	labelsKey = "logging.googleapis.com/labels"
	spanKey   = "logging.googleapis.com/spanId"
)

type logContext struct{ id, span string }

type logContextKey struct{}

func withLogContext(ctx context.Context, id, span string) context.Context {
	return context.WithValue(ctx, logContextKey{}, &logContext{id, span})
}

var traceContext = lazyRegexp(`^[0-9a-f]+/(\d+)`)

func spanID(r *http.Request) string {
	if m := traceContext().FindStringSubmatch(r.Header.Get("X-Cloud-Trace-Context")); m != nil {
		return m[1]
	}
	return ""
}

var running struct {
	sync.Mutex
	set map[*logContext]struct{}
}

func enterExecution(ctx context.Context) func() {
	lc, _ := ctx.Value(logContextKey{}).(*logContext)
	drain() // lines written before this request are not its own
	running.Lock()
	if running.set == nil {
		running.set = map[*logContext]struct{}{}
	}
	running.set[lc] = struct{}{}
	running.Unlock()
	return func() {
		drain() // lines written during this request are labelled before it ends
		running.Lock()
		delete(running.set, lc)
		running.Unlock()
	}
}

// A barrier line through each captured pipe: once the pump has read it,
// every line written before it has been labelled.
const barrier = "\x00nodego-barrier "

var captured struct {
	sync.Mutex
	pipes   []*os.File
	waiting map[string]chan struct{}
	next    int
}

// drainWait bounds how long a request waits for the pump to label its
// lines: a stdout nobody reads must not hold a response back for good.
const drainWait = 2 * time.Second

func drain() {
	captured.Lock()
	pipes := captured.pipes
	var waits []chan struct{}
	for _, w := range pipes {
		captured.next++
		id := fmt.Sprint(captured.next)
		ch := make(chan struct{})
		captured.waiting[id] = ch
		waits = append(waits, ch)
		w.WriteString(barrier + id + "\n")
	}
	captured.Unlock()
	timeout := time.After(drainWait)
	for _, ch := range waits {
		select {
		case <-ch:
		case <-timeout:
			return
		}
	}
}

// release lets the waiter of barrier id go.
func release(id string) {
	captured.Lock()
	ch := captured.waiting[id]
	delete(captured.waiting, id)
	captured.Unlock()
	if ch != nil {
		close(ch)
	}
}

// soleExecution is the only request running, if exactly one is.
func soleExecution() *logContext {
	running.Lock()
	defer running.Unlock()
	if len(running.set) != 1 {
		return nil
	}
	for lc := range running.set {
		return lc
	}
	return nil
}

// structured renders one log line for Cloud Logging.
func structured(line []byte, lc *logContext, stderr bool) []byte {
	entry := map[string]any{}
	if json.Unmarshal(line, &entry) != nil || entry == nil {
		entry = map[string]any{"message": string(line)}
	}
	labels, _ := entry[labelsKey].(map[string]any)
	if labels == nil {
		labels = map[string]any{}
	}
	labels["execution_id"] = lc.id
	entry[labelsKey] = labels
	if _, has := entry[spanKey]; !has && lc.span != "" {
		entry[spanKey] = lc.span
	}
	if _, has := entry["severity"]; !has && stderr {
		entry["severity"] = "ERROR"
	}
	out, _ := json.Marshal(entry)
	return append(out, '\n')
}

var realStdout io.Writer = os.Stdout

// LogWriter writes each write as a structured line labelled with ctx's
// execution id (as funcframework.LogWriter); plain stdout when execution-id
// logging is off.
func LogWriter(ctx context.Context) io.Writer {
	lc, _ := ctx.Value(logContextKey{}).(*logContext)
	if lc == nil {
		return os.Stdout
	}
	return writerFunc(func(p []byte) (int, error) {
		_, err := realStdout.Write(structured(bytesTrimNewline(p), lc, false))
		return len(p), err
	})
}

// Logger is a log.Logger on LogWriter(ctx).
func Logger(ctx context.Context) *log.Logger { return log.New(LogWriter(ctx), "", 0) }

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func bytesTrimNewline(p []byte) []byte {
	for len(p) > 0 && p[len(p)-1] == '\n' {
		p = p[:len(p)-1]
	}
	return p
}

// captureStdio routes os.Stdout and os.Stderr through line labellers.
func captureStdio() error {
	for _, target := range []struct {
		file   **os.File
		stderr bool
	}{{&os.Stdout, false}, {&os.Stderr, true}} {
		r, w, err := os.Pipe()
		if err != nil {
			return err
		}
		real := *target.file
		if !target.stderr {
			realStdout = real
		}
		*target.file = w
		captured.Lock()
		captured.pipes = append(captured.pipes, w)
		if captured.waiting == nil {
			captured.waiting = map[string]chan struct{}{}
		}
		captured.Unlock()
		go pump(r, real, target.stderr)
	}
	log.SetOutput(os.Stderr)
	return nil
}

func pump(r io.Reader, out io.Writer, stderr bool) {
	p := &linePump{
		line: func(line []byte) {
			if lc := soleExecution(); lc != nil {
				out.Write(structured(line, lc, stderr))
			} else {
				out.Write(append(append([]byte{}, line...), '\n'))
			}
		},
		barrier: release,
	}
	p.run(r)
}
