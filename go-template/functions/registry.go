// Package functions runs Go functions under the Functions Framework contract
// (Cloud Functions and Cloud Run functions), on the sockets a Node.js host
// handed over or on $PORT. Its registration API matches
// functions-framework-go's, so a function ports by changing one import.
package functions

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sync"
)

// Signature is how a function is called: "http", "event" or "cloudevent".
type Signature string

const (
	SignatureHTTP       Signature = "http"
	SignatureEvent      Signature = "event"
	SignatureCloudEvent Signature = "cloudevent"
)

type function struct {
	name      string
	signature Signature
	http      func(http.ResponseWriter, *http.Request)
	// cloudEvent gets the event as structured-mode JSON.
	cloudEvent func(context.Context, []byte) error
	// event is a func(context.Context, T) error.
	event reflect.Value
}

var (
	mu       sync.Mutex
	registry = map[string]*function{}
)

func register(f *function) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[f.name]; dup {
		panic(fmt.Sprintf("functions: %q is registered twice", f.name))
	}
	registry[f.name] = f
}

// HTTP registers an HTTP function under name (FUNCTION_TARGET selects it).
func HTTP(name string, fn func(http.ResponseWriter, *http.Request)) {
	register(&function{name: name, signature: SignatureHTTP, http: fn})
}

// CloudEvent registers a CloudEvent function. E is the event type, usually
// github.com/cloudevents/sdk-go/v2/event.Event: anything that decodes from a
// structured-mode CloudEvent in JSON.
func CloudEvent[E any](name string, fn func(context.Context, E) error) {
	register(&function{name: name, signature: SignatureCloudEvent, cloudEvent: func(ctx context.Context, structured []byte) error {
		var e E
		if err := json.Unmarshal(structured, &e); err != nil {
			return &badEvent{err}
		}
		return fn(ctx, e)
	}})
}

// Event registers a legacy (background) event function, fn being
// func(context.Context, T) error; metadata.FromContext gives its context.
func Event(name string, fn any) {
	v := reflect.ValueOf(fn)
	t := v.Type()
	ctxType := reflect.TypeOf((*context.Context)(nil)).Elem()
	errType := reflect.TypeOf((*error)(nil)).Elem()
	if t.Kind() != reflect.Func || t.NumIn() != 2 || t.In(0) != ctxType || t.NumOut() != 1 || t.Out(0) != errType {
		panic(fmt.Sprintf("functions.Event(%q): %T is not func(context.Context, T) error", name, fn))
	}
	register(&function{name: name, signature: SignatureEvent, event: v})
}

// badEvent marks an event the function's type cannot hold.
type badEvent struct{ err error }

func (b *badEvent) Error() string { return "the event does not decode: " + b.err.Error() }

func lookup(name string) (*function, bool) {
	mu.Lock()
	defer mu.Unlock()
	f, ok := registry[name]
	return f, ok
}
