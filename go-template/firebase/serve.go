package firebase

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/nodego/nodego"
	"github.com/nodego/nodego/functions"
)

// Serve is a Firebase function binary's main: it serves the function the
// platform or the emulator asks for (FUNCTION_TARGET), or, in the discovery
// modes of firebase-tools and the SDK, describes the functions:
//   - FUNCTIONS_MANIFEST_OUTPUT_PATH set: write the manifest there, return
//     (`nodego build` writes functions.yaml so).
//   - FUNCTIONS_CONTROL_API=true: serve GET /__/functions.yaml on PORT until
//     GET /__/quitquitquit, as the SDK's discovery server.
func Serve() error {
	if path := os.Getenv("FUNCTIONS_MANIFEST_OUTPUT_PATH"); path != "" {
		return WriteManifest(path)
	}
	if os.Getenv("FUNCTIONS_CONTROL_API") == "true" {
		return serveDiscovery()
	}
	return functions.Serve()
}

// serveDiscovery is the SDK's discovery server (its bin with
// FUNCTIONS_CONTROL_API=true): the manifest, and a way to stop.
func serveDiscovery() error {
	srv := &nodego.Server{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /__/functions.yaml", func(w http.ResponseWriter, r *http.Request) {
		m, err := Build()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/yaml")
		w.Write(m.JSON())
	})
	mux.HandleFunc("/__/quitquitquit", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
		go srv.Shutdown(context.Background())
	})
	srv.Handler = mux
	fmt.Fprintf(os.Stderr, "Serving at port %s\n", os.Getenv("PORT"))
	return srv.Serve()
}
