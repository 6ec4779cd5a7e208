package functions

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/nodego/nodego/functions/metadata"
)

// maxBody is the Node framework's body limit.
var maxBody int64 = 1 << 30 // a variable so tests can lower it

const statusHeader = "X-Google-Status"

// decodeJSON keeps numbers as written (no float rounding of big integers).
func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// crash answers as the Node framework's sendCrashResponse does: 500 and
// X-Google-Status; the message in the body except in production.
func crash(w http.ResponseWriter, status string, code int, err error) {
	fmt.Fprintln(os.Stderr, err)
	w.Header().Set(statusHeader, status)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	if os.Getenv("NODE_ENV") == "production" {
		io.WriteString(w, http.StatusText(code))
		return
	}
	io.WriteString(w, err.Error())
}

// clientError answers a request the framework cannot parse as Express's
// body parser and final handler do: the status, no X-Google-Status, an HTML
// page with the error (its status text only in production).
func clientError(w http.ResponseWriter, code int, err error) {
	message := err.Error()
	if os.Getenv("NODE_ENV") == "production" {
		message = http.StatusText(code)
	}
	page := "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>" +
		html.EscapeString(message) + "</pre>\n</body>\n</html>\n"
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(page)))
	w.WriteHeader(code)
	io.WriteString(w, page)
}

// readBody reads a body up to the framework's limit; a JSON body must parse.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		clientError(w, http.StatusRequestEntityTooLarge, errors.New("request entity too large"))
		return nil, false
	case err != nil:
		clientError(w, http.StatusBadRequest, err)
		return nil, false
	}
	if len(body) > 0 && isJSONContentType(r.Header.Get("Content-Type")) && r.Header.Get("Content-Type") != "" && !json.Valid(body) {
		clientError(w, http.StatusBadRequest, errors.New("SyntaxError: the request body is not valid JSON"))
		return nil, false
	}
	return body, true
}

func recoverCrash(w http.ResponseWriter, wrote func() bool) {
	if v := recover(); v != nil {
		fmt.Fprintf(os.Stderr, "panic: %v\n%s", v, debug.Stack())
		if !wrote() {
			crash(w, "crash", http.StatusInternalServerError, fmt.Errorf("%v", v))
		}
	}
}

// statusRecorder remembers whether the function wrote its headers.
type statusRecorder struct {
	http.ResponseWriter
	wrote bool
}

func (s *statusRecorder) WriteHeader(code int) { s.wrote = true; s.ResponseWriter.WriteHeader(code) }
func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		s.wrote = true
		f.Flush()
	}
}
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func httpHandler(fn func(http.ResponseWriter, *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ct := r.Header.Get("Content-Type"); ct != "" && isJSONContentType(ct) {
			body, ok := readBody(w, r)
			if !ok {
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		rec := &statusRecorder{ResponseWriter: w}
		defer recoverCrash(rec, func() bool { return rec.wrote })
		fn(rec, r)
	})
}

func onlyPost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, fmt.Sprintf("Cannot %s %s", r.Method, r.URL.Path), http.StatusNotFound)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// eventBody reads a JSON body; a Pub/Sub push becomes the legacy event.
func eventBody(w http.ResponseWriter, r *http.Request) ([]byte, object, bool) {
	body, ok := readBody(w, r)
	if !ok {
		return nil, nil, false
	}
	var parsed object
	if len(body) > 0 && decodeJSON(body, &parsed) == nil {
		if push := pubsubPush(parsed, r.URL.Path); push != nil {
			parsed = push
		}
	}
	return body, parsed, true
}

func cloudEventHandler(fn func(context.Context, []byte) error) http.Handler {
	return onlyPost(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, parsed, ok := eventBody(w, r)
		if !ok {
			return
		}
		structured, err := structuredCloudEvent(r, body, parsed)
		if err != nil {
			crash(w, "crash", http.StatusBadRequest, err)
			return
		}
		var done bool
		defer recoverCrash(w, func() bool { return done })
		err = fn(r.Context(), structured)
		done = true
		var bad *badEvent
		switch {
		case errors.As(err, &bad):
			crash(w, "crash", http.StatusBadRequest, err)
		case err != nil:
			crash(w, "error", http.StatusInternalServerError, err)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
}

// structuredCloudEvent is the request's CloudEvent in structured-mode JSON:
// from binary mode, structured mode, or a legacy event of a Google source.
func structuredCloudEvent(r *http.Request, body []byte, parsed object) ([]byte, error) {
	if attrs := binaryAttributes(r); attrs != nil {
		ce := object{}
		for k, v := range attrs {
			ce[k] = v
		}
		if ct := r.Header.Get("Content-Type"); ct != "" {
			ce["datacontenttype"] = ct
		}
		if len(body) > 0 {
			if isJSONContentType(r.Header.Get("Content-Type")) && json.Valid(body) {
				ce["data"] = json.RawMessage(body)
			} else {
				ce["data_base64"] = base64.StdEncoding.EncodeToString(body)
			}
		}
		return json.Marshal(ce)
	}
	if parsed == nil {
		return nil, errNotAnEvent
	}
	if ce, isLegacy, err := cloudEventFromLegacy(parsed); isLegacy {
		if err != nil {
			return nil, err
		}
		return json.Marshal(ce)
	}
	var missing []string
	for _, attr := range []string{"specversion", "id", "source", "type"} {
		if s, _ := parsed[attr].(string); s == "" {
			missing = append(missing, attr)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the CloudEvent lacks required attributes: %s", strings.Join(missing, ", "))
	}
	return body, nil
}

func eventHandler(fn reflect.Value) http.Handler {
	argType := fn.Type().In(1)
	return onlyPost(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, parsed, ok := eventBody(w, r)
		if !ok {
			return
		}
		if attrs := binaryAttributes(r); attrs != nil {
			converted, err := legacyFromCloudEvent(attrs, body)
			if err != nil {
				crash(w, "crash", http.StatusBadRequest, err)
				return
			}
			parsed = converted
		}
		if parsed == nil {
			crash(w, "crash", http.StatusBadRequest, errNotAnEvent)
			return
		}
		md, data, err := splitLegacy(parsed)
		if err != nil {
			crash(w, "crash", http.StatusBadRequest, err)
			return
		}
		arg := reflect.New(argType)
		if len(data) > 0 && string(data) != "null" {
			if err := json.Unmarshal(data, arg.Interface()); err != nil {
				crash(w, "crash", http.StatusBadRequest, fmt.Errorf("the event data does not decode into %v: %v", argType, err))
				return
			}
		}
		var done bool
		defer recoverCrash(w, func() bool { return done })
		out := fn.Call([]reflect.Value{reflect.ValueOf(metadata.NewContext(r.Context(), md)), arg.Elem()})
		done = true
		if err, _ := out[0].Interface().(error); err != nil {
			crash(w, "error", http.StatusInternalServerError, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
}

// splitLegacy reads {context, data} or the flat form {eventId, ..., data}.
func splitLegacy(body object) (*metadata.Metadata, json.RawMessage, error) {
	context, ok := body["context"].(object)
	if !ok {
		context = object{}
		for k, v := range body {
			if k != "data" {
				context[k] = v
			}
		}
	}
	md := &metadata.Metadata{}
	md.EventID, _ = context["eventId"].(string)
	if md.EventID == "" {
		md.EventID, _ = context["id"].(string) // a CloudEvent's attributes
	}
	md.EventType, _ = context["eventType"].(string)
	if md.EventType == "" {
		md.EventType, _ = context["type"].(string)
	}
	stamp, _ := context["timestamp"].(string)
	if stamp == "" {
		stamp, _ = context["time"].(string)
	}
	if stamp != "" {
		t, err := time.Parse(time.RFC3339Nano, stamp)
		if err != nil {
			return nil, nil, fmt.Errorf("the event timestamp %q is not RFC 3339", stamp)
		}
		md.Timestamp = t
	}
	if raw, has := context["resource"]; has {
		b, _ := json.Marshal(raw)
		md.Resource = &metadata.Resource{}
		if err := json.Unmarshal(b, md.Resource); err != nil {
			return nil, nil, fmt.Errorf("the event resource does not decode: %v", err)
		}
	} else if source, ok := context["source"].(string); ok {
		md.Resource = &metadata.Resource{RawPath: source}
	}
	data, err := json.Marshal(body["data"])
	return md, data, err
}
