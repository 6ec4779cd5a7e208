// An HTTP function: edit Function. `nodego build` compiles this directory to
// bin/function; the host (the Functions Framework, or any Node server) loads
// index.js, which swaps the process into it.
package main

import (
	"fmt"
	"html"
	"log"
	"net/http"

	"github.com/nodego/nodego/functions"
)

// Function answers every request.
func Function(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "World"
	}
	fmt.Fprintf(w, "Hello, %s!\n", html.EscapeString(name))
}

func init() {
	functions.HTTP("function", Function)
}

func main() {
	if err := functions.Serve(); err != nil {
		log.Fatal(err)
	}
}
