// actionloop: the design nodego's self-replacing proxy is compared with. The
// proxy stays; /init writes the binary and starts it as a child process, and
// each /run is one JSON line to its stdin and one back from its stdout.
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

type child struct {
	mu  sync.Mutex
	in  io.WriteCloser
	out *bufio.Reader
}

var (
	current *child
	mu      sync.Mutex
)

func initHandler(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Value struct {
			Code string `json:"code"`
		} `json:"value"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Value.Code == "" {
		http.Error(w, `{"error":"Missing main/no code to execute."}`, http.StatusForbidden)
		return
	}
	bin, err := base64.StdEncoding.DecodeString(req.Value.Code)
	if err != nil {
		http.Error(w, `{"error":"cannot decode"}`, http.StatusBadRequest)
		return
	}
	dir, _ := os.MkdirTemp("", "actionloop-")
	path := filepath.Join(dir, "exec")
	if err := os.WriteFile(path, bin, 0o700); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	cmd := exec.Command(path, "-loop")
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	err = cmd.Start()
	// The running child keeps its executable: the directory is not needed
	// after the exec, and must not outlive the bench.
	os.RemoveAll(dir)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	mu.Lock()
	current = &child{in: in, out: bufio.NewReader(out)}
	mu.Unlock()
	w.Write([]byte(`{"ok":true}`))
}

func runHandler(w http.ResponseWriter, r *http.Request) {
	mu.Lock()
	c := current
	mu.Unlock()
	if c == nil {
		http.Error(w, `{"error":"no action defined yet"}`, http.StatusInternalServerError)
		return
	}
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.in.Write(append(body, '\n'))
	line, err := c.out.ReadBytes('\n')
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(line)
}

func main() {
	http.HandleFunc("/init", initHandler)
	http.HandleFunc("/run", runHandler)
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
