package functions

import (
	"io"
	"net/http"
	"strings"

	"github.com/nodego/nodego"
)

// legacyWorker speaks the Node 6/8 Cloud Functions worker's protocol around
// the function: the worker loaded the module on /load (answered here, since
// it is the request the swap happened in), /check is its health check, and
// /execute (or /execute/...) runs the function.
func legacyWorker(function http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		switch {
		case nodego.Replayed(r) || path == "/load":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "User function is ready")
		case path == "/check":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "OK")
		case path == "/execute" || strings.HasPrefix(path, "/execute/"):
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/" + strings.TrimPrefix(strings.TrimPrefix(path, "/execute"), "/")
			function.ServeHTTP(w, r2)
		default:
			function.ServeHTTP(w, r)
		}
	})
}
