package functions

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
	"strings"
	"time"
)

// The Firebase functions emulator (firebase-tools) runs each function in a
// Node process of its own (functionsEmulatorRuntime.js) that requires the
// function before it listens; nodego swaps there, so Go answers what that
// runtime would: its readiness probe, on the Unix socket it was given as PORT.

// withEmulatorRoutes answers the emulator's GET /__/health, then the function.
func withEmulatorRoutes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/__/health" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			w.Header().Set("Content-Length", "0")
			w.WriteHeader(http.StatusOK)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// listenAddr is where to listen for PORT: a Unix socket when it is a path
// (the emulator's), else a TCP port.
func listenAddr(port string) string {
	if strings.Contains(port, "/") {
		return "unix:" + port
	}
	return ":" + port
}

// emulatorLogger writes the runtime's own lines (listening, draining) as the
// emulator runtime writes its own: DEBUG records on stdout, which go to
// firebase-debug.log, not among the function's output.
func emulatorLogger() *log.Logger {
	return log.New(writerFunc(func(p []byte) (int, error) {
		line, _ := json.Marshal(map[string]any{
			"timestamp": time.Now().UTC().Format(time.RFC3339Nano),
			"level":     "DEBUG",
			"type":      "runtime-status",
			"text":      strings.TrimSpace(string(bytesTrimNewline(p))),
			"data":      map[string]any{},
		})
		if _, err := os.Stdout.Write(append(line, '\n')); err != nil {
			return 0, err
		}
		return len(p), nil
	}), "nodego: ", 0)
}
