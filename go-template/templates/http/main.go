// The starter HTTP function: edit Handle. `nodego build` compiles this directory
// to bin/function; the Node host's index.js swaps into it.
package main

import (
	"fmt"
	"log"
	"net/http"

	"github.com/nodego/nodego"
)

// Handle answers every request.
func Handle(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "world"
	}
	fmt.Fprintf(w, "Hello, %s, from Go.\n", name)
}

func main() {
	if err := nodego.Serve(http.HandlerFunc(Handle)); err != nil {
		log.Fatal(err)
	}
}
