// Package https registers Firebase HTTPS functions: OnRequest (plain HTTP)
// and OnCall (the callable protocol), as firebase-functions/v2/https.
package https

import (
	"net/http"
	"os"

	"github.com/nodego/nodego/firebase"
	"github.com/nodego/nodego/functions"
)

// RequestOptions are an OnRequest function's options.
type RequestOptions struct {
	firebase.Options
	// Invoker is who may call the function: "public", "private" or service
	// account emails; nil for the platform's default.
	Invoker []string
	// CORS lists the allowed origins ("*" for any); nil for no CORS
	// handling, except in the emulator, which allows every origin, as the
	// SDK does there.
	CORS []string
}

// OnRequest registers an HTTP function under id.
func OnRequest(id string, opts RequestOptions, h http.HandlerFunc) {
	firebase.Register(id, opts.Options, firebase.Endpoint{HTTPSTrigger: &firebase.HTTPSTrigger{Invoker: opts.Invoker}})
	functions.HTTP(id, RequestHandler(opts, h))
}

// RequestHandler is h with the SDK's CORS handling.
func RequestHandler(opts RequestOptions, h http.HandlerFunc) http.HandlerFunc {
	origins, emulated := opts.CORS, debugFeature(os.Getenv, "enableCors")
	if origins == nil && !emulated {
		return h
	}
	if emulated {
		origins = nil // the emulator allows every origin
	}
	c := cors{origins: origins, methods: "GET,HEAD,PUT,PATCH,POST,DELETE"}
	return func(w http.ResponseWriter, r *http.Request) {
		if c.handle(w, r) {
			return
		}
		h(w, r)
	}
}
