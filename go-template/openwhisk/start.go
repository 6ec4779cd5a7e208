package openwhisk

import (
	"log"

	"github.com/nodego/nodego"
	"github.com/nodego/nodego/handoff"
)

// Start registers fn as "main" and serves the action until SIGTERM; it is
// the whole main() of an action.
func Start(fn any) {
	Register("main", fn)
	if err := Serve(); err != nil {
		log.Fatal(err)
	}
}

// Serve serves the functions given to Register: on the sockets the
// OpenWhisk Node.js runtime handed over, or as a standalone proxy on $PORT
// (8080).
func Serve() error {
	srv := &nodego.Server{}
	if h, _ := handoff.Received(); h == nil || h.Host == "" {
		srv.Host = handoff.HostOpenWhiskProxy
	}
	srv.Handler = NewProxy(srv)
	return srv.Serve()
}
