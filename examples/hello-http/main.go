// hello-http: an HTTP function under the Functions Framework contract.
// Locally: functions-framework --source examples/hello-http --target hello
package main

import (
	"fmt"
	"html"
	"log"
	"net/http"

	"github.com/nodego/nodego/functions"
)

func init() {
	functions.HTTP("hello", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		if name == "" {
			name = "World"
		}
		fmt.Fprintf(w, "Hello, %s!\n", html.EscapeString(name))
	})
}

func main() {
	if err := functions.Serve(); err != nil {
		log.Fatal(err)
	}
}
