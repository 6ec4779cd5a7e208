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

	// node: handed over by the OpenWhisk Node.js runtime; it answers as
	// that runtime answers a Node.js action.
	node bool
	// running counts activations under way (see beginActivation).
	running int
	// activation serialises activations where they may not overlap.
	activation sync.Mutex

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
	return &Proxy{Server: server, Reinit: reinitPolicy(), entry: "main", node: OnNodeRuntime()}
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

// The Node.js runtime's answer to what Express does not route or parse.
const msgNodeBadRequest = "Bad request."

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.node && (r.Method != http.MethodPost || (r.URL.Path != "/init" && r.URL.Path != "/run")) {
		p.sendError(w, http.StatusInternalServerError, msgNodeBadRequest)
		return
	}
	switch {
	case r.URL.Path != "/init" && r.URL.Path != "/run":
		p.sendError(w, http.StatusNotFound, "Bad request: the action serves POST /init and POST /run")
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", http.MethodPost)
		p.sendError(w, http.StatusMethodNotAllowed, "Bad request: use POST")
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
			p.sendError(w, http.StatusServiceUnavailable, "another /init is in progress: send this one again once it is answered")
		} else {
			log.Print(msgInitTwice)
			p.sendError(w, http.StatusForbidden, msgInitTwice)
		}
		return
	}
	defer p.endInit()
	body, ok := p.readBody(w, r)
	if !ok {
		return
	}
	if p.node && !isJSON(r) {
		body = []byte("{}") // what express.json leaves for another type
	}
	req, parseErr := parseInit(body)
	if parseErr != nil && p.node {
		p.sendError(w, http.StatusInternalServerError, msgNodeBadRequest)
		return
	}
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
		p.sendError(w, http.StatusForbidden, msgStopped)
		return
	}
	if refuse {
		log.Print(msgInitTwice)
		p.sendError(w, http.StatusForbidden, msgInitTwice)
		return
	}
	if parseErr != nil {
		p.sendError(w, http.StatusBadRequest, msgBadRequest+parseErr.Error())
		return
	}
	if req.Value.Code == "" {
		p.sendError(w, http.StatusForbidden, msgNoCode)
		return
	}
	if !req.Value.Binary {
		p.sendError(w, http.StatusBadGateway, "plain-text code cannot run in a Go action: build it (`go build`, or `nodego build`) and send the binary with \"binary\": true")
		return
	}
	decoded, err := decodeBinary(req.Value.Code)
	req.Value.Code, body = "", nil
	if err != nil {
		p.sendError(w, http.StatusBadRequest, "cannot decode the request: "+err.Error())
		return
	}
	binary, dir, err := saveAction(p.actionDir(), decoded)
	if err == nil {
		err = handoff.CheckExecutable(binary)
	}
	if err != nil {
		os.RemoveAll(dir) // a refused /init leaves nothing on disk
		log.Printf("init: %v", err)
		p.sendError(w, http.StatusBadGateway, "invalid action: "+err.Error())
		return
	}
	err = p.Server.Replace(w, r, nodego.ReplaceOptions{Binary: binary, Replay: replayOf(r, req.Value)})
	// Only failures come back here.
	os.RemoveAll(dir)
	log.Printf("init: %v", err)
	if !errors.Is(err, nodego.ErrAnswered) {
		p.sendError(w, http.StatusBadGateway, "cannot start action: "+err.Error())
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
			p.sendError(w, http.StatusBadGateway, "Initialization has failed due to: "+problem)
		} else {
			p.sendError(w, http.StatusBadGateway, hint) // the standalone proxy's own words
		}
		return
	}
	exportEnv(v.Env)
	p.entry = entry
	p.initialized, p.stopped = true, false
	go p.removeOldActions() // not on the /init's path
	if p.node {
		p.sendJSON(w, http.StatusOK, []byte(`{"OK":true}`))
		return
	}
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
	// The body is read and parsed before any lock: a client that stalls
	// mid-body holds up only itself.
	body, ok := p.readBody(w, r)
	if !ok {
		return
	}
	if p.node && !isJSON(r) {
		body = []byte("{}") // what express.json leaves for another type
	}
	var msg map[string]json.RawMessage
	if err := json.Unmarshal(body, &msg); err != nil {
		if p.node { // Express refuses it before the runtime sees it: no activation
			p.sendError(w, http.StatusInternalServerError, msgNodeBadRequest)
			return
		}
		defer p.sentinels()
		p.sendError(w, http.StatusBadRequest, msgBadRequest+err.Error())
		return
	}
	value := msg["value"]
	if p.node {
		switch kind := jsonKind(value); kind {
		case "null", "":
			value = json.RawMessage("{}")
		case "object":
		default:
			p.sendError(w, http.StatusForbidden, fmt.Sprintf("Internal system error: the argument must be a dictionary but has type '%s'.", kind))
			return
		}
	}
	p.mu.Lock()
	stopped, entry := p.stopped, p.entry
	p.mu.Unlock()
	if stopped {
		log.Print(msgNotInitialized)
		p.sendError(w, http.StatusForbidden, msgNotInitialized)
		return
	}
	if !p.beginActivation() {
		log.Print(msgRunning)
		p.sendError(w, http.StatusForbidden, msgRunning)
		return
	}
	defer p.endActivation()
	defer p.sentinels()
	// Every string property but value is the activation context: __OW_<NAME>.
	for k, raw := range msg {
		if k == "value" {
			continue
		}
		exportEnv(map[string]json.RawMessage{"__OW_" + strings.ToUpper(k): raw})
	}
	fn, ok := lookup(entry)
	if !ok {
		p.sendError(w, http.StatusBadGateway, msgNoBinary)
		return
	}
	result, err := invoke(fn, value)
	switch {
	case errors.Is(err, errNotDict):
		p.sendError(w, http.StatusBadRequest, err.Error())
	case err != nil:
		p.sendError(w, http.StatusBadGateway, err.Error())
	case !isObjectOrArray(result):
		log.Printf("the action returned %.100s", result)
		p.sendError(w, http.StatusBadGateway, msgNotDict)
	default:
		p.sendJSON(w, http.StatusOK, result)
	}
}

// The Node.js runtime's answer to a /run while one is running, where
// activations may not overlap.
const msgRunning = "System not ready, status is running."

// concurrent: the platform lets activations of this container overlap
// (__OW_ALLOW_CONCURRENT, as the Node.js runtime reads it).
func concurrent() bool { return os.Getenv("__OW_ALLOW_CONCURRENT") == "true" }

// beginActivation admits an activation: any number where the platform
// allows it; else one at a time, the Node.js runtime refusing the next
// while one runs, the standalone proxy queueing it (as it always has).
func (p *Proxy) beginActivation() bool {
	if !concurrent() {
		if p.node {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.running > 0 {
				return false
			}
			p.running++
			return true
		}
		p.activation.Lock()
	}
	p.mu.Lock()
	p.running++
	p.mu.Unlock()
	return true
}

func (p *Proxy) endActivation() {
	p.mu.Lock()
	p.running--
	p.mu.Unlock()
	if !concurrent() && !p.node {
		p.activation.Unlock()
	}
}

// isJSON: the request's type is one express.json parses.
func isJSON(r *http.Request) bool {
	t, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	return strings.EqualFold(strings.TrimSpace(t), "application/json")
}

// jsonKind is JavaScript's typeof for a JSON value ("null" for null, "" for none).
func jsonKind(v json.RawMessage) string {
	t := bytes.TrimSpace(v)
	switch {
	case len(t) == 0:
		return ""
	case t[0] == '{' || t[0] == '[':
		return "object"
	case t[0] == '"':
		return "string"
	case bytes.Equal(t, []byte("null")):
		return "null"
	case bytes.Equal(t, []byte("true")) || bytes.Equal(t, []byte("false")):
		return "boolean"
	default:
		return "number"
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

func (p *Proxy) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	// Sized from Content-Length when it is within the limit: an /init of
	// megabytes is read without growing (and copying) the buffer.
	var buf bytes.Buffer
	if r.ContentLength > 0 && r.ContentLength <= MaxBody {
		buf.Grow(int(r.ContentLength) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, MaxBody))
	body := buf.Bytes()
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		p.sendError(w, http.StatusRequestEntityTooLarge, "the request is over OpenWhisk's 48 MB limit")
		return nil, false
	}
	if err != nil {
		p.sendError(w, http.StatusBadRequest, "cannot read the request: "+err.Error())
		return nil, false
	}
	return body, true
}

// sendJSON answers as the host does: the Node.js runtime (Express) with a
// charset and no newline, the standalone proxy as it always did.
func (p *Proxy) sendJSON(w http.ResponseWriter, code int, body []byte) {
	body = bytes.TrimRight(body, "\n")
	if p.node {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	} else {
		body = append(body, '\n')
		w.Header().Set("Content-Type", "application/json")
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(code)
	w.Write(body)
}

func (p *Proxy) sendError(w http.ResponseWriter, code int, message string) {
	body, _ := json.Marshal(map[string]string{"error": message})
	p.sendJSON(w, code, body)
}
