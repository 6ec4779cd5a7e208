package functions

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nodego/nodego"
	"github.com/nodego/nodego/handoff"
)

// Config is the Functions Framework's configuration, read from the same
// flags and variables (the Node host passes its own flags on as variables;
// started directly, by the fast start, the binary gets the flags).
type Config struct {
	Target         string        // --target, FUNCTION_TARGET, default "function"
	Signature      Signature     // --signature-type, FUNCTION_SIGNATURE_TYPE, default http; a registration's own wins
	Port           string        // --port, PORT, default 8080 (used when no listener was handed over)
	Timeout        time.Duration // --timeout, CLOUD_RUN_TIMEOUT_SECONDS, 0 for none
	LogExecutionID bool          // --log-execution-id, LOG_EXECUTION_ID
	IgnoredRoutes  *string       // --ignored-routes, IGNORED_ROUTES; nil: the default (favicon, robots for http)
}

// ConfigFromEnv reads Config as the Node framework does: its flags (in
// os.Args) over its variables over its defaults.
func ConfigFromEnv() (Config, error) {
	return ConfigFrom(os.Args[1:], os.LookupEnv)
}

// ConfigFrom reads Config from args and the variables lookup gives, with the
// framework's precedence: a flag, else its variable, else the default.
func ConfigFrom(args []string, lookup func(string) (string, bool)) (Config, error) {
	flags := frameworkFlags(args)
	get := func(flag, env, def string) (string, bool) {
		if v, ok := flags[flag]; ok {
			return v, true
		}
		if v, ok := lookup(env); ok && v != "" {
			return v, true
		}
		return def, false
	}
	target, _ := get("target", "FUNCTION_TARGET", "function")
	signature, _ := get("signature-type", "FUNCTION_SIGNATURE_TYPE", string(SignatureHTTP))
	port, _ := get("port", "PORT", "8080")
	c := Config{Target: target, Signature: Signature(signature), Port: port}
	switch c.Signature {
	case SignatureHTTP, SignatureEvent, SignatureCloudEvent:
	default:
		return c, fmt.Errorf("Function signature type must be one of: http, event, cloudevent.")
	}
	if t, set := get("timeout", "CLOUD_RUN_TIMEOUT_SECONDS", ""); set {
		secs, err := strconv.Atoi(t)
		if err != nil || secs < 0 {
			return c, fmt.Errorf("Timeout must be a positive integer")
		}
		c.Timeout = time.Duration(secs) * time.Second
	}
	logID, _ := get("log-execution-id", "LOG_EXECUTION_ID", "false")
	c.LogExecutionID = strings.EqualFold(logID, "true")
	if v, ok := flags["ignored-routes"]; ok {
		c.IgnoredRoutes = &v
	} else if routes, ok := lookup("IGNORED_ROUTES"); ok {
		c.IgnoredRoutes = &routes
	}
	return c, nil
}

// frameworkFlags reads --name=value and --name value as the framework's
// argument parser (minimist) does; a flag with no value is "true".
func frameworkFlags(args []string) map[string]string {
	out := map[string]string{}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			break
		}
		if !strings.HasPrefix(arg, "--") {
			continue
		}
		name, value, hasValue := strings.Cut(arg[2:], "=")
		if !hasValue {
			value = "true"
			if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				value = args[i+1]
				i++
			}
		}
		out[name] = value
	}
	return out
}

// Handler is the target function wrapped in the framework's contract.
func Handler(c Config) (http.Handler, error) {
	f, ok := lookup(c.Target)
	if !ok {
		return nil, fmt.Errorf("Function '%s' is not defined in the provided module.\nDid you specify the correct target function to execute? Register it with functions.HTTP(%q, fn) (or CloudEvent, Event)", c.Target, c.Target)
	}
	var h http.Handler
	switch f.signature {
	case SignatureHTTP:
		h = httpHandler(f.http)
	case SignatureCloudEvent:
		h = cloudEventHandler(f.cloudEvent)
	default:
		h = eventHandler(f.event)
	}
	if c.Timeout > 0 {
		h = withTimeout(h, c.Timeout)
	}
	h = withExecutionID(h, c.LogExecutionID)
	return ignoreRoutes(h, f.signature, c.IgnoredRoutes), nil
}

// ignoreRoutes answers 404 to routes that must not run the function.
func ignoreRoutes(next http.Handler, sig Signature, configured *string) http.Handler {
	var prefixes []string
	switch {
	case configured != nil && strings.TrimSpace(*configured) != "":
		prefixes = []string{*configured}
	case configured == nil && sig == SignatureHTTP:
		prefixes = []string{"/favicon.ico", "/robots.txt"}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, p := range prefixes {
			if r.URL.Path == p || strings.HasPrefix(r.URL.Path, strings.TrimSuffix(p, "/")+"/") {
				w.WriteHeader(http.StatusNotFound)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

type executionIDKey struct{}

// ExecutionID is the request's Function-Execution-Id (made up when the
// request brought none).
func ExecutionID(ctx context.Context) string {
	id, _ := ctx.Value(executionIDKey{}).(string)
	return id
}

func newExecutionID() string {
	b := make([]byte, 9)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func withExecutionID(next http.Handler, logging bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("Function-Execution-Id")
		if id == "" {
			id = newExecutionID()
		}
		ctx := context.WithValue(r.Context(), executionIDKey{}, id)
		if logging {
			ctx = withLogContext(ctx, id, spanID(r))
			defer enterExecution(ctx)()
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Serve serves the FUNCTION_TARGET function under the Functions Framework
// contract until SIGTERM, then drains in-flight requests.
func Serve() error {
	c, err := ConfigFromEnv()
	if err != nil {
		return err
	}
	h, err := Handler(c)
	if err != nil {
		return err
	}
	if c.LogExecutionID {
		if err := captureStdio(); err != nil {
			return err
		}
	}
	srv := &nodego.Server{Addr: listenAddr(c.Port)}
	if received, _ := handoff.Received(); received != nil {
		switch received.Host {
		case handoff.HostLegacyWorker:
			h = legacyWorker(h)
		case handoff.HostFirebaseTools:
			h, srv.Logger = withEmulatorRoutes(h), emulatorLogger()
		}
	}
	srv.Handler = h
	return srv.Serve()
}
