package openwhisk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/nodego/nodego"
	"github.com/nodego/nodego/handoff"
)

// MaxBody is OpenWhisk's limit on an action (and on a request): 48 MB.
const MaxBody = 48 << 20

// Sentinel ends the stdout and the stderr of every activation.
const Sentinel = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX"

// The canonical error texts of the action contract.
const (
	msgNoCode     = "Missing main/no code to execute."
	msgInitTwice  = "Cannot initialize the action more than once."
	msgNotDict    = "The action did not return a dictionary or array."
	msgNoBinary   = "The action failed to generate or locate a binary. See logs for details."
	msgBadRequest = "Error unmarshaling request: "
)

// Proxy serves the action contract: POST /init and POST /run.
type Proxy struct {
	// Server runs the proxy; /init with a new binary needs it to re-exec.
	Server *nodego.Server
	// ActionDir receives the binaries /init sends; default
	// $TMPDIR/nodego-openwhisk.
	ActionDir string
	// Stdout and Stderr get the sentinels; default os.Stdout, os.Stderr.
	Stdout, Stderr io.Writer
	// Reinit allows a second /init. NewProxy sets it from NODEGO_OW_REINIT
	// ("allow" or "refuse"); unset, a standalone proxy off the platform
	// (no __OW_API_HOST) allows it and everything else refuses it.
	Reinit bool

	mu          sync.Mutex
	initialized bool
	// stopped: an /init failed (its entry point is not registered); as on
	// the Node.js runtime, nothing runs until the container is replaced.
	stopped bool
	entry   string
	// initializing holds one token: /init work (a body of up to 48 MB, its
	// base64, its unzip) is done one at a time, as the platform sends it.
	initializing chan struct{}
}

// NewProxy returns a proxy for the functions given to Register.
func NewProxy(server *nodego.Server) *Proxy {
	return &Proxy{Server: server, Reinit: reinitPolicy(), entry: "main"}
}

// The Node.js runtime's answers once an /init has failed.
const (
	msgNotInitialized = "System not initialized."
	msgStopped        = "System not ready, status is stopped."
)

// OnNodeRuntime: this process was handed over by the OpenWhisk Node.js runtime.
func OnNodeRuntime() bool {
	h, _ := handoff.Received()
	return h != nil && h.Host == handoff.HostOpenWhiskNodejs
}

func reinitPolicy() bool {
	switch os.Getenv("NODEGO_OW_REINIT") {
	case "allow":
		return true
	case "refuse":
		return false
	}
	return !onPlatform()
}

// onPlatform: on OpenWhisk (__OW_API_HOST set), or handed over by its
// Node.js runtime; answers then are the Node.js runtime's.
func onPlatform() bool { return OnNodeRuntime() || os.Getenv("__OW_API_HOST") != "" }

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path != "/init" && r.URL.Path != "/run":
		sendError(w, http.StatusNotFound, "Bad request: the action serves POST /init and POST /run")
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", http.MethodPost)
		sendError(w, http.StatusMethodNotAllowed, "Bad request: use POST")
	case r.URL.Path == "/init":
		p.init(w, r)
	default:
		p.run(w, r)
	}
}

type initValue struct {
	Name   string                     `json:"name,omitempty"`
	Main   string                     `json:"main,omitempty"`
	Code   string                     `json:"code,omitempty"`
	Binary bool                       `json:"binary,omitempty"`
	Env    map[string]json.RawMessage `json:"env,omitempty"`
}

func (p *Proxy) init(w http.ResponseWriter, r *http.Request) {
	// One /init at a time: ten concurrent 48 MB /inits must not all be in
	// memory at once. The others are read past, not kept, and refused (an
	// answer before the body is read would reset a client still sending).
	if !p.beginInit() {
		io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, MaxBody))
		if p.Reinit {
			w.Header().Set("Retry-After", "1")
			sendError(w, http.StatusServiceUnavailable, "another /init is in progress: send this one again once it is answered")
		} else {
			log.Print(msgInitTwice)
			sendError(w, http.StatusForbidden, msgInitTwice)
		}
		return
	}
	defer p.endInit()
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	var req struct {
		Value initValue `json:"value"`
	}
	parseErr := json.Unmarshal(body, &req)
	p.mu.Lock()
	if nodego.Replayed(r) {
		// This /init carried the binary that is now running: the code is
		// us, what is left to do is its env and entry point.
		p.accept(w, req.Value)
		p.mu.Unlock()
		return
	}
	refuse, stopped := p.initialized && !p.Reinit, p.stopped && !p.Reinit
	p.mu.Unlock()
	if stopped {
		log.Print(msgStopped)
		sendError(w, http.StatusForbidden, msgStopped)
		return
	}
	if refuse {
		log.Print(msgInitTwice)
		sendError(w, http.StatusForbidden, msgInitTwice)
		return
	}
	if parseErr != nil {
		sendError(w, http.StatusBadRequest, msgBadRequest+parseErr.Error())
		return
	}
	if req.Value.Code == "" {
		sendError(w, http.StatusForbidden, msgNoCode)
		return
	}
	if !req.Value.Binary {
		sendError(w, http.StatusBadGateway, "plain-text code cannot run in a Go action: build it (`go build`, or `nodego build`) and send the binary with \"binary\": true")
		return
	}
	decoded, err := decodeBinary(req.Value.Code)
	req.Value.Code, body = "", nil
	if err != nil {
		sendError(w, http.StatusBadRequest, "cannot decode the request: "+err.Error())
		return
	}
	binary, dir, err := saveAction(p.actionDir(), decoded)
	if err == nil {
		err = handoff.CheckExecutable(binary)
	}
	if err != nil {
		os.RemoveAll(dir) // a refused /init leaves nothing on disk
		log.Printf("init: %v", err)
		sendError(w, http.StatusBadGateway, "invalid action: "+err.Error())
		return
	}
	err = p.Server.Replace(w, r, nodego.ReplaceOptions{Binary: binary, Replay: replayOf(r, req.Value)})
	// Only failures come back here.
	os.RemoveAll(dir)
	log.Printf("init: %v", err)
	if !errors.Is(err, nodego.ErrAnswered) {
		sendError(w, http.StatusBadGateway, "cannot start action: "+err.Error())
	}
}

func (p *Proxy) beginInit() bool {
	p.mu.Lock()
	if p.initializing == nil {
		p.initializing = make(chan struct{}, 1)
	}
	tokens := p.initializing
	p.mu.Unlock()
	select {
	case tokens <- struct{}{}:
		return true
	default:
		return false
	}
}

func (p *Proxy) endInit() { <-p.initializing }

// accept finishes an /init whose code is this process. Called with p.mu held.
func (p *Proxy) accept(w http.ResponseWriter, v initValue) {
	entry := v.Main
	if entry == "" {
		entry = "main"
	}
	if _, ok := lookup(entry); !ok {
		// As the Node.js runtime fails an /init whose main is not a
		// function: the error in the activation's log, its end markers, and
		// nothing more runs.
		problem := fmt.Sprintf("Action entrypoint '%s' is not a function.", entry)
		hint := fmt.Sprintf("the action has no entry point %q: register it with openwhisk.Register(%q, fn)", entry, entry)
		fmt.Fprintf(p.stderr(), "Error during initialization: %s (%s)\n", problem, hint)
		p.sentinels()
		p.stopped = true
		if onPlatform() {
			sendError(w, http.StatusBadGateway, "Initialization has failed due to: "+problem)
		} else {
			sendError(w, http.StatusBadGateway, hint) // the standalone proxy's own words
		}
		return
	}
	exportEnv(v.Env)
	p.entry = entry
	p.initialized, p.stopped = true, false
	go p.removeOldActions() // not on the /init's path
	// The contract ignores the body of a successful /init; an empty one
	// keeps `curl -d @hello.json .../init` silent, as the proxy always was.
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// removeOldActions deletes the binaries of earlier /inits: this process
// replaced them, nothing runs them any more. Paths are compared resolved
// (TMPDIR may be a symlink, or relative), and the directory this process
// runs from is never removed.
func (p *Proxy) removeOldActions() {
	self, err := os.Executable()
	if err != nil {
		return
	}
	if self, err = filepath.EvalSymlinks(self); err != nil {
		return
	}
	olds, _ := filepath.Glob(filepath.Join(p.actionDir(), "action-*"))
	for _, dir := range olds {
		resolved, err := filepath.EvalSymlinks(dir)
		if err != nil {
			continue
		}
		if resolved, err = filepath.Abs(resolved); err != nil || strings.HasPrefix(self, resolved+string(filepath.Separator)) {
			continue
		}
		os.RemoveAll(dir)
	}
}

// actionDir is absolute, so that a relative TMPDIR means the same place
// whatever the working directory becomes.
func (p *Proxy) actionDir() string {
	dir := p.ActionDir
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "nodego-openwhisk")
	}
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// replayOf is the /init the new binary answers: the same request without
// the code it already is.
func replayOf(r *http.Request, v initValue) []byte {
	v.Code, v.Binary = "", false
	body, _ := json.Marshal(map[string]initValue{"value": v})
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST /init %s\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", r.Proto, r.Host, len(body))
	for _, c := range r.Header.Values("Connection") {
		fmt.Fprintf(&b, "Connection: %s\r\n", c)
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// exportEnv sets /init's env: strings as they are, null as "", anything
// else as its JSON text.
func exportEnv(env map[string]json.RawMessage) {
	for k, raw := range env {
		var s string
		switch {
		case json.Unmarshal(raw, &s) == nil:
		case strings.TrimSpace(string(raw)) == "null":
			s = ""
		default:
			var compact bytes.Buffer
			json.Compact(&compact, raw)
			s = compact.String()
		}
		os.Setenv(k, s)
	}
}

func (p *Proxy) run(w http.ResponseWriter, r *http.Request) {
	// The body is read and parsed before the lock: a client that stalls
	// mid-body holds up only itself.
	body, ok := readBody(w, r)
	var msg map[string]json.RawMessage
	if ok {
		if err := json.Unmarshal(body, &msg); err != nil {
			sendError(w, http.StatusBadRequest, msgBadRequest+err.Error())
			ok = false
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		log.Print(msgNotInitialized)
		sendError(w, http.StatusForbidden, msgNotInitialized)
		return
	}
	defer p.sentinels()
	if !ok {
		return
	}
	// Every property but value is the activation context: __OW_<NAME>.
	for k, raw := range msg {
		if k == "value" {
			continue
		}
		exportEnv(map[string]json.RawMessage{"__OW_" + strings.ToUpper(k): raw})
	}
	fn, ok := lookup(p.entry)
	if !ok {
		sendError(w, http.StatusBadGateway, msgNoBinary)
		return
	}
	result, err := invoke(fn, msg["value"])
	switch {
	case errors.Is(err, errNotDict):
		sendError(w, http.StatusBadRequest, err.Error())
	case err != nil:
		sendError(w, http.StatusBadGateway, err.Error())
	case !isObjectOrArray(result):
		log.Printf("the action returned %.100s", result)
		sendError(w, http.StatusBadGateway, msgNotDict)
	default:
		sendJSON(w, http.StatusOK, result)
	}
}

func invoke(fn action, value json.RawMessage) (result json.RawMessage, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("the action panicked: %v", v)
		}
	}()
	if len(value) == 0 {
		value = json.RawMessage("{}")
	}
	return fn(value)
}

func isObjectOrArray(b json.RawMessage) bool {
	t := bytes.TrimSpace(b)
	return len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid(t)
}

// sentinels end the activation's logs; the platform waits for them.
func (p *Proxy) sentinels() {
	out := p.Stdout
	if out == nil {
		out = os.Stdout
	}
	fmt.Fprintln(out, Sentinel)
	fmt.Fprintln(p.stderr(), Sentinel)
}

func (p *Proxy) stderr() io.Writer {
	if p.Stderr != nil {
		return p.Stderr
	}
	return os.Stderr
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		sendError(w, http.StatusRequestEntityTooLarge, "the request is over OpenWhisk's 48 MB limit")
		return nil, false
	}
	if err != nil {
		sendError(w, http.StatusBadRequest, "cannot read the request: "+err.Error())
		return nil, false
	}
	return body, true
}

func sendJSON(w http.ResponseWriter, code int, body []byte) {
	body = append(bytes.TrimRight(body, "\n"), '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(code)
	w.Write(body)
}

func sendError(w http.ResponseWriter, code int, message string) {
	body, _ := json.Marshal(map[string]string{"error": message})
	sendJSON(w, code, body)
}
