// gohello: the one Go handler every contender serves, in three harnesses:
//   - default: the Functions Framework contract (functions.Serve): what a Node
//     host swaps into, and what the "native" contender runs directly;
//   - -ndjson: newline-delimited JSON requests on stdin, answers on stdout (the
//     child of the Node stdin/stdout shim).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/nodego/nodego/functions"
)

// Hello is the handler under test: a fixed 14-byte answer.
func Hello(w http.ResponseWriter, r *http.Request) {
	traceRequest()
	w.Header().Set("X-Served-By", "go")
	w.Write([]byte("Hello, World!\n"))
}

type ndRequest struct {
	ID     int64  `json:"id"`
	Method string `json:"method"`
	URL    string `json:"url"`
}

type ndResponse struct {
	ID     int64  `json:"id"`
	Status int    `json:"status"`
	Body   string `json:"body"`
}

func serveNDJSON() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64*1024), 16<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	for in.Scan() {
		var req ndRequest
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			log.Fatal(err)
		}
		rec := httptest.NewRecorder()
		Hello(rec, httptest.NewRequest(req.Method, req.URL, nil))
		enc.Encode(ndResponse{ID: req.ID, Status: rec.Code, Body: rec.Body.String()})
		out.Flush()
	}
}

func main() {
	mainAt = monotonicNow()
	ndjson := flag.Bool("ndjson", false, "serve NDJSON on stdin/stdout")
	flag.Parse()
	if *ndjson {
		serveNDJSON()
		return
	}
	functions.HTTP("hello", Hello)
	if err := functions.Serve(); err != nil {
		log.Fatal(err)
	}
}
