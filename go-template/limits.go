package nodego

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits are the server's defences against slow, stalled and greedy
// clients. The defaults are Node's http.Server's, so that a function served
// by Go holds up as the Node.js function it replaces would.
type Limits struct {
	// MaxHeaderBytes bounds a request's head (Node: 16 KiB,
	// --max-http-header-size). A longer one is answered 431 and closed.
	MaxHeaderBytes int
	// HeadersTimeout bounds the wait for a request's whole head (Node's
	// headersTimeout, 60 s). Then the connection is closed.
	HeadersTimeout time.Duration
	// RequestTimeout bounds the wait for a whole request, head and body
	// (Node's requestTimeout, 300 s). Then reading its body fails, and the
	// connection is closed once the handler returns. A handler may take as
	// long as it needs once the request is in.
	RequestTimeout time.Duration
	// KeepAliveTimeout closes a keep-alive connection idle this long
	// (Node's keepAliveTimeout, 5 s).
	KeepAliveTimeout time.Duration
}

// NodeLimits are Node's defaults.
var NodeLimits = Limits{
	MaxHeaderBytes:   16 << 10,
	HeadersTimeout:   60 * time.Second,
	RequestTimeout:   300 * time.Second,
	KeepAliveTimeout: 5 * time.Second,
}

// The variables that set the limits where the Server does not. A platform
// sets the header size for Node with NODE_OPTIONS=--max-http-header-size=N;
// the Go runtime reads the same.
const (
	EnvMaxHeaderSize    = "NODEGO_MAX_HEADER_SIZE"
	EnvHeadersTimeout   = "NODEGO_HEADERS_TIMEOUT_MS"
	EnvRequestTimeout   = "NODEGO_REQUEST_TIMEOUT_MS"
	EnvKeepAliveTimeout = "NODEGO_KEEP_ALIVE_TIMEOUT_MS"
)

// Compiled on first use: most starts have no such flag, and init time is cold-start time.
var nodeHeaderSize = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:^|\s)--max-http-header-size[= ](\d+)`)
})

// resolve fills each zero field: the variable, else Node's default.
func (l Limits) resolve(getenv func(string) string) Limits {
	positive := func(name string) (int, bool) {
		n, err := strconv.Atoi(getenv(name))
		return n, err == nil && n > 0
	}
	if l.MaxHeaderBytes == 0 {
		l.MaxHeaderBytes = NodeLimits.MaxHeaderBytes
		if opts := getenv("NODE_OPTIONS"); strings.Contains(opts, "--max-http-header-size") {
			if m := nodeHeaderSize().FindStringSubmatch(opts); m != nil {
				if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
					l.MaxHeaderBytes = n
				}
			}
		}
		if n, ok := positive(EnvMaxHeaderSize); ok {
			l.MaxHeaderBytes = n
		}
	}
	duration := func(field *time.Duration, name string, def time.Duration) {
		if *field != 0 {
			return
		}
		*field = def
		if ms, ok := positive(name); ok {
			*field = time.Duration(ms) * time.Millisecond
		}
	}
	duration(&l.HeadersTimeout, EnvHeadersTimeout, NodeLimits.HeadersTimeout)
	duration(&l.RequestTimeout, EnvRequestTimeout, NodeLimits.RequestTimeout)
	duration(&l.KeepAliveTimeout, EnvKeepAliveTimeout, NodeLimits.KeepAliveTimeout)
	return l
}

func resolvedLimits(l Limits) Limits { return l.resolve(os.Getenv) }
