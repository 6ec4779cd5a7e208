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
// variables (the Node host passes its own flags on as these).
type Config struct {
	Target         string        // FUNCTION_TARGET, default "function"
	Signature      Signature     // FUNCTION_SIGNATURE_TYPE, default http; a registration's own wins
	Timeout        time.Duration // CLOUD_RUN_TIMEOUT_SECONDS, 0 for none
	LogExecutionID bool          // LOG_EXECUTION_ID
	IgnoredRoutes  *string       // IGNORED_ROUTES; nil: the default (favicon, robots for http)
}

// ConfigFromEnv reads Config as the Node framework does.
func ConfigFromEnv() (Config, error) {
	c := Config{Target: os.Getenv("FUNCTION_TARGET"), Signature: Signature(os.Getenv("FUNCTION_SIGNATURE_TYPE"))}
	if c.Target == "" {
		c.Target = "function"
	}
	switch c.Signature {
	case "":
		c.Signature = SignatureHTTP
	case SignatureHTTP, SignatureEvent, SignatureCloudEvent:
	default:
		return c, fmt.Errorf("Function signature type must be one of: http, event, cloudevent.")
	}
	if t := os.Getenv("CLOUD_RUN_TIMEOUT_SECONDS"); t != "" {
		secs, err := strconv.Atoi(t)
		if err != nil || secs < 0 {
			return c, fmt.Errorf("Timeout must be a positive integer")
		}
		c.Timeout = time.Duration(secs) * time.Second
	}
	c.LogExecutionID = strings.EqualFold(os.Getenv("LOG_EXECUTION_ID"), "true")
	if routes, ok := os.LookupEnv("IGNORED_ROUTES"); ok {
		c.IgnoredRoutes = &routes
	}
	return c, nil
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
	if received, _ := handoff.Received(); received != nil && received.Host == handoff.HostLegacyWorker {
		h = legacyWorker(h)
	}
	return (&nodego.Server{Handler: h}).Serve()
}
