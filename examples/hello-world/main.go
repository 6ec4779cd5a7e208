// The Go half of hello-world: after the first page, every request is served
// here, by the same process (same PID) that Node was.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/nodego/nodego"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", "go")
		fmt.Fprintf(w, "Hello from Go, pid %d. Node.js is gone; its socket is still here.\n", os.Getpid())
	})
	if err := nodego.Serve(http.DefaultServeMux); err != nil {
		log.Fatal(err)
	}
}
