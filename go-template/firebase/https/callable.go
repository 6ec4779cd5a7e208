package https

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"

	"github.com/nodego/nodego/firebase"
	"github.com/nodego/nodego/functions"
)

// CallableOptions are an OnCall function's options.
type CallableOptions struct {
	firebase.Options
	// CORS lists the origins allowed to call; nil allows every origin, as
	// the SDK's default (cors: true).
	CORS []string
	// EnforceAppCheck refuses a request without a valid App Check token.
	EnforceAppCheck bool
}

// CallableRequest is what a callable function gets: the SDK's CallableRequest.
type CallableRequest struct {
	// Data is the request's data, with the protocol's Int64Value and
	// UInt64Value wrappers turned into numbers.
	Data json.RawMessage
	// Auth is the caller's verified Firebase Auth ID token; nil without one.
	Auth *AuthData
	// App is the caller's verified App Check token; nil without one.
	App *AppCheckData
	// InstanceIDToken is the Firebase-Instance-ID-Token header.
	InstanceIDToken string
	// AcceptsStreaming: the client asked for text/event-stream.
	AcceptsStreaming bool
	// RawRequest is the HTTP request (its body already read).
	RawRequest *http.Request
}

// Decode unmarshals Data into v.
func (r *CallableRequest) Decode(v any) error { return json.Unmarshal(r.Data, v) }

// AuthData is the caller's identity: its UID and the token's claims.
type AuthData struct {
	UID      string
	Token    map[string]any
	RawToken string
}

// AppCheckData is the caller's App Check identity.
type AppCheckData struct {
	AppID string
	Token map[string]any
}

// CallableFunc answers a callable request: the result is sent as
// {"result": ...}; an *Error as {"error": ...}; any other error or a panic
// as INTERNAL.
type CallableFunc func(ctx context.Context, req *CallableRequest) (any, error)

// OnCall registers a callable function (the Firebase callable protocol)
// under id: a Functions Framework HTTP function, and a callableTrigger in
// the manifest.
func OnCall(id string, opts CallableOptions, fn CallableFunc) {
	firebase.Register(id, opts.Options, firebase.Endpoint{CallableTrigger: &struct{}{}})
	functions.HTTP(id, CallableHandler(opts, fn))
}

// CallableHandler is the callable protocol around fn, for tests and for
// mounting without registration.
func CallableHandler(opts CallableOptions, fn CallableFunc) http.HandlerFunc {
	c, policy := cors{origins: opts.CORS, methods: "POST"}, tokenPolicyFromEnv()
	if debugFeature(os.Getenv, "enableCors") {
		c.origins = nil // the emulator allows every origin
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if c.handle(w, r) {
			return
		}
		result, err := call(r, opts, policy, fn)
		streaming := r.Header.Get("Accept") == "text/event-stream"
		var body any
		status := http.StatusOK
		if err != nil {
			e, ok := err.(*Error)
			if !ok {
				logLine("ERROR", fmt.Sprintf("Unhandled error %v", err))
				e = NewError(Internal, "INTERNAL")
			}
			body, status = map[string]any{"error": e.body()}, e.status()
		} else {
			body = map[string]any{"result": result}
		}
		out, merr := json.Marshal(body)
		if merr != nil {
			logLine("ERROR", fmt.Sprintf("Data cannot be encoded in JSON: %v", merr))
			out, status = []byte(`{"error":{"message":"INTERNAL","status":"INTERNAL"}}`), http.StatusInternalServerError
		}
		if streaming {
			// As the SDK answers a streaming client: 200, server-sent events,
			// and no Content-Type (nil keeps net/http from sniffing one).
			w.Header()["Content-Type"] = nil
			w.WriteHeader(http.StatusOK)
			fmt.Fprintf(w, "data: %s\n\n", out)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		w.WriteHeader(status)
		w.Write(out)
	}
}

// call validates the request as the SDK does, checks its tokens and runs fn.
func call(r *http.Request, opts CallableOptions, policy tokenPolicy, fn CallableFunc) (result any, err error) {
	data, why := callableData(r)
	if why != "" {
		logLine("WARNING", why)
		logLine("ERROR", "Invalid request, unable to process.")
		return nil, NewError(InvalidArgument, "Bad Request")
	}
	req := &CallableRequest{RawRequest: r, InstanceIDToken: r.Header.Get("Firebase-Instance-ID-Token")}
	authStatus, appStatus := checkTokens(r, req, policy)
	if authStatus == tokenInvalid {
		return nil, NewError(Unauthenticated, "Unauthenticated")
	}
	if opts.EnforceAppCheck && appStatus != tokenValid {
		return nil, NewError(Unauthenticated, "Unauthenticated")
	}
	if req.Data, err = decodeWrappers(data); err != nil {
		logLine("ERROR", err.Error())
		return nil, NewError(Internal, "INTERNAL")
	}
	req.AcceptsStreaming = r.Header.Get("Accept") == "text/event-stream"
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(os.Stderr, "panic: %v\n%s", v, debug.Stack())
			result, err = nil, fmt.Errorf("panic: %v", v)
		}
	}()
	return fn(r.Context(), req)
}

// callableData is the SDK's isValidRequest: a POST of application/json
// whose object has exactly the key "data". It returns the data, or why not.
func callableData(r *http.Request) (json.RawMessage, string) {
	if r.Method != http.MethodPost {
		return nil, "Request has invalid method. " + r.Method
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "application/json" {
		return nil, "Request has incorrect Content-Type. " + mediaType
	}
	body, err := readAll(r)
	if err != nil {
		return nil, "Request body cannot be read: " + err.Error()
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return nil, "Request body is missing data."
	}
	data, ok := fields["data"]
	if !ok {
		return nil, "Request body is missing data."
	}
	if len(fields) != 1 {
		return nil, "Request body has extra fields."
	}
	return data, ""
}

func readAll(r *http.Request) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(r.Body)
	return b.Bytes(), err
}

// decodeWrappers turns {"@type": ".../google.protobuf.Int64Value", "value":
// "5"} into 5, anywhere in data, as the SDK's decode does.
func decodeWrappers(data json.RawMessage) (json.RawMessage, error) {
	if !bytes.Contains(data, []byte(`"@type"`)) {
		return data, nil
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	v, err := unwrap(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func unwrap(v any) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		if t, ok := x["@type"]; ok {
			switch t {
			case "type.googleapis.com/google.protobuf.Int64Value", "type.googleapis.com/google.protobuf.UInt64Value":
				s, _ := x["value"].(string)
				if _, err := strconv.ParseFloat(s, 64); err != nil {
					return nil, fmt.Errorf("Data cannot be decoded from JSON: %v", x)
				}
				return json.Number(s), nil
			default:
				return nil, fmt.Errorf("Data cannot be decoded from JSON: %v", x)
			}
		}
		for k, e := range x {
			u, err := unwrap(e)
			if err != nil {
				return nil, err
			}
			x[k] = u
		}
	case []any:
		for i, e := range x {
			u, err := unwrap(e)
			if err != nil {
				return nil, err
			}
			x[i] = u
		}
	}
	return v, nil
}
