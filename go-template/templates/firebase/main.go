// Firebase functions in Go: edit them here. `npm run build` compiles this
// directory to bin/function and writes functions.yaml, the manifest
// firebase-tools reads to learn the functions (deploy and emulator alike);
// the Node.js runtime Firebase starts loads index.js, which swaps the
// process into bin/function.
package main

import (
	"context"
	"fmt"
	"html"
	"log"
	"net/http"

	"github.com/nodego/nodego/firebase"
	"github.com/nodego/nodego/firebase/https"
)

// Hello is an HTTP function: https://<region>-<project>.cloudfunctions.net/hello
func Hello(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "World"
	}
	log.Printf("hello: greeting %q", name)
	fmt.Fprintf(w, "Hello, %s!\n", html.EscapeString(name))
}

// AddArgs is what a client sends: httpsCallable(functions, "add")({a: 1, b: 2}).
type AddArgs struct {
	A *float64 `json:"a"`
	B *float64 `json:"b"`
}

// Add is a callable function: it answers {"result": {"sum": a+b}}.
func Add(ctx context.Context, req *https.CallableRequest) (any, error) {
	var args AddArgs
	if err := req.Decode(&args); err != nil || args.A == nil || args.B == nil {
		return nil, https.NewError(https.InvalidArgument, "add takes {a: number, b: number}")
	}
	caller := "anonymous"
	if req.Auth != nil {
		caller = req.Auth.UID
	}
	return map[string]any{"sum": *args.A + *args.B, "caller": caller}, nil
}

func init() {
	log.SetFlags(0) // the platform stamps each line already
	https.OnRequest("hello", https.RequestOptions{}, Hello)
	https.OnCall("add", https.CallableOptions{Options: firebase.Options{MaxInstances: 10}}, Add)
}

func main() {
	if err := firebase.Serve(); err != nil {
		log.Fatal(err)
	}
}
