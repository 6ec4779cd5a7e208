package https

import (
	"encoding/json"
	"net/http"
)

// cors is the `cors` middleware as firebase-functions configures it: the
// request's origin reflected when allowed, preflights answered 204.
type cors struct {
	origins []string // nil: every origin
	methods string
}

func (c cors) allowed(origin string) bool {
	if c.origins == nil {
		return true
	}
	for _, o := range c.origins {
		if o == origin || o == "*" {
			return true
		}
	}
	return false
}

// handle sets the CORS headers; it reports whether the request was a
// preflight, then fully answered.
func (c cors) handle(w http.ResponseWriter, r *http.Request) bool {
	h := w.Header()
	origin := r.Header.Get("Origin")
	if origin != "" && c.allowed(origin) {
		h.Set("Access-Control-Allow-Origin", origin)
	}
	h.Add("Vary", "Origin")
	if r.Method != http.MethodOptions {
		return false
	}
	h.Set("Access-Control-Allow-Methods", c.methods)
	if asked := r.Header.Get("Access-Control-Request-Headers"); asked != "" {
		h.Set("Access-Control-Allow-Headers", asked)
	}
	h.Add("Vary", "Access-Control-Request-Headers")
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusNoContent)
	return true
}

// debugFeature reports a firebase-tools emulator feature, as the SDK reads
// them: FIREBASE_DEBUG_MODE=true and the feature true in FIREBASE_DEBUG_FEATURES.
func debugFeature(lookup func(string) string, name string) bool {
	if lookup("FIREBASE_DEBUG_MODE") != "true" {
		return false
	}
	var features map[string]any
	if json.Unmarshal([]byte(lookup("FIREBASE_DEBUG_FEATURES")), &features) != nil {
		return false
	}
	switch v := features[name].(type) { // JavaScript's !!value
	case nil:
		return false
	case bool:
		return v
	case float64:
		return v != 0
	case string:
		return v != ""
	default:
		return true
	}
}
