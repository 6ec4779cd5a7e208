// Package handoff is the receiving (and re-sending) side of the nodego
// hand-off: the sockets a Node process, or an earlier Go process, passed to
// this one across execve. The wire format is environment variables; see
// docs/handoff.md. Listeners follow systemd socket activation, so any
// activation-aware library can take them too.
package handoff

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
)

// Version is the hand-off protocol version this package reads and writes.
const Version = 1

// The variables of the protocol. A receiver unsets all of them.
const (
	EnvListenPID     = "LISTEN_PID"
	EnvListenFDs     = "LISTEN_FDS"
	EnvListenFDNames = "LISTEN_FDNAMES"
	EnvVersion       = "NODEGO_HANDOFF"
	EnvHost          = "NODEGO_HOST"
	EnvConns         = "NODEGO_CONNS"
	EnvReplay        = "NODEGO_REPLAY"
)

// Variables lists every variable the protocol uses.
var Variables = []string{EnvListenPID, EnvListenFDs, EnvListenFDNames, EnvVersion, EnvHost, EnvConns, EnvReplay}

// FirstFD is where listeners start, as in systemd.
const FirstFD = 3

// Listener is a listening socket of a hand-off: its fd (3, 4, ... when
// received; any, when passed to Exec) and its LISTEN_FDNAMES name. Once Take
// has adopted it, it is also the net.Listener serving it.
type Listener struct {
	FD           int    `json:"fd"`
	Name         string `json:"name"`
	net.Listener `json:"-"`
}

// Conn is a live HTTP/1.x connection, idle at a request boundary unless
// Replay names an fd holding the bytes of a request the sender read but did
// not answer: the receiver reads those bytes first and owes them a response.
type Conn struct {
	FD       int `json:"fd"`
	Listener int `json:"listener"`
	Replay   int `json:"replay,omitempty"`
}

// Handoff is one decoded hand-off.
type Handoff struct {
	PID       int        `json:"pid"`
	Host      string     `json:"host,omitempty"`
	Listeners []Listener `json:"listeners"`
	Conns     []Conn     `json:"conns"`
}

// Env returns the variables that describe h, sorted by name.
func (h *Handoff) Env() []string {
	names := make([]string, len(h.Listeners))
	for i, l := range h.Listeners {
		names[i] = l.Name
	}
	env := []string{
		EnvListenPID + "=" + strconv.Itoa(h.PID),
		EnvListenFDs + "=" + strconv.Itoa(len(h.Listeners)),
		EnvVersion + "=" + strconv.Itoa(Version),
	}
	if len(names) > 0 {
		env = append(env, EnvListenFDNames+"="+strings.Join(names, ":"))
	}
	if h.Host != "" {
		env = append(env, EnvHost+"="+h.Host)
	}
	var conns, replays []string
	for _, c := range h.Conns {
		conns = append(conns, fmt.Sprintf("%d@%d", c.FD, c.Listener))
		if c.Replay > 0 {
			replays = append(replays, fmt.Sprintf("%d:%d", c.FD, c.Replay))
		}
	}
	if len(conns) > 0 {
		env = append(env, EnvConns+"="+strings.Join(conns, ","))
	}
	if len(replays) > 0 {
		env = append(env, EnvReplay+"="+strings.Join(replays, ","))
	}
	sort.Strings(env)
	return env
}

// Decode reads a hand-off from the variables that lookup returns. It returns
// nil, nil when there is no hand-off for process pid (no variables, or
// LISTEN_PID names another process, as systemd specifies).
func Decode(lookup func(string) (string, bool), pid int) (*Handoff, error) {
	fdsText, haveFDs := lookup(EnvListenFDs)
	versionText, haveVersion := lookup(EnvVersion)
	if !haveFDs && !haveVersion {
		return nil, nil
	}
	pidText, _ := lookup(EnvListenPID)
	if p, err := strconv.Atoi(pidText); err != nil || p != pid {
		return nil, nil
	}
	if haveVersion {
		v, err := strconv.Atoi(versionText)
		if err != nil || v < 1 {
			return nil, fmt.Errorf("handoff: %s=%q is not a protocol version", EnvVersion, versionText)
		}
		if v > Version {
			return nil, fmt.Errorf("handoff: the sender speaks protocol %d, this runtime only %d: rebuild the Go binary against the nodego version that sends it", v, Version)
		}
	}
	h := &Handoff{PID: pid, Listeners: []Listener{}, Conns: []Conn{}}
	h.Host, _ = lookup(EnvHost)
	count := 0
	if haveFDs {
		n, err := strconv.Atoi(fdsText)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("handoff: %s=%q is not a count of fds", EnvListenFDs, fdsText)
		}
		count = n
	}
	names := make([]string, count)
	for i := range names {
		names[i] = "unknown" // systemd's name when LISTEN_FDNAMES is absent
	}
	if namesText, ok := lookup(EnvListenFDNames); ok && count > 0 {
		given := strings.Split(namesText, ":")
		if len(given) != count {
			return nil, fmt.Errorf("handoff: %s has %d names for %d fds", EnvListenFDNames, len(given), count)
		}
		copy(names, given)
	}
	for i := 0; i < count; i++ {
		h.Listeners = append(h.Listeners, Listener{FD: FirstFD + i, Name: names[i]})
	}
	if connsText, ok := lookup(EnvConns); ok && connsText != "" {
		for _, item := range strings.Split(connsText, ",") {
			fd, listener, ok := intPair(item, "@")
			if !ok {
				return nil, fmt.Errorf("handoff: %s entry %q is not fd@listener", EnvConns, item)
			}
			h.Conns = append(h.Conns, Conn{FD: fd, Listener: listener})
		}
	}
	if replayText, ok := lookup(EnvReplay); ok && replayText != "" {
		for _, item := range strings.Split(replayText, ",") {
			connFD, dataFD, ok := intPair(item, ":")
			if !ok {
				return nil, fmt.Errorf("handoff: %s entry %q is not conn:data", EnvReplay, item)
			}
			index := -1
			for i, c := range h.Conns {
				if c.FD == connFD {
					index = i
				}
			}
			if index < 0 {
				return nil, fmt.Errorf("handoff: %s entry %q names fd %d, which %s does not list", EnvReplay, item, connFD, EnvConns)
			}
			if h.Conns[index].Replay != 0 {
				return nil, fmt.Errorf("handoff: %s names connection %d twice", EnvReplay, connFD)
			}
			if dataFD < FirstFD {
				return nil, fmt.Errorf("handoff: %s fd %d is below %d (stdio)", Kinds[KindReplay].What, dataFD, FirstFD)
			}
			h.Conns[index].Replay = dataFD
		}
	}
	if err := h.Validate(); err != nil {
		return nil, err
	}
	return h, nil
}

// Validate checks what both sides must agree on (the "refused" vectors):
// listeners at 3, 4, ... with names free of ':', every connection on a
// listener that exists, and no fd used twice or below 3.
func (h *Handoff) Validate() error {
	used := map[int]Kind{}
	claim := func(fd int, kind Kind) error {
		what := Kinds[kind].What
		if fd < FirstFD {
			return fmt.Errorf("handoff: %s fd %d is below %d (stdio)", what, fd, FirstFD)
		}
		if prior, ok := used[fd]; ok {
			return fmt.Errorf("handoff: %s fd %d is already %s", what, fd, Kinds[prior].What)
		}
		used[fd] = kind
		return nil
	}
	for i, l := range h.Listeners {
		if l.FD != FirstFD+i {
			return fmt.Errorf("handoff: listener %d must be at fd %d, not %d", i, FirstFD+i, l.FD)
		}
		if strings.Contains(l.Name, ":") {
			return fmt.Errorf("handoff: listener name %q contains ':'", l.Name)
		}
		used[l.FD] = KindListener
	}
	for _, c := range h.Conns {
		if c.Listener < 0 || c.Listener >= len(h.Listeners) {
			return fmt.Errorf("handoff: connection fd %d names listener %d of %d", c.FD, c.Listener, len(h.Listeners))
		}
		if err := claim(c.FD, KindConn); err != nil {
			return err
		}
	}
	for _, c := range h.Conns {
		if c.Replay != 0 {
			if err := claim(c.Replay, KindReplay); err != nil {
				return err
			}
		}
	}
	return nil
}

// intPair reads "a<sep>b" as two integers.
func intPair(item, sep string) (a, b int, ok bool) {
	aText, bText, found := strings.Cut(item, sep)
	a, errA := strconv.Atoi(aText)
	b, errB := strconv.Atoi(bText)
	return a, b, found && errA == nil && errB == nil
}

// FDs returns every fd the hand-off passes, with its kind, by fd ascending.
func (h *Handoff) FDs() []FD {
	var fds []FD
	for _, l := range h.Listeners {
		fds = append(fds, FD{KindListener, l.FD})
	}
	for _, c := range h.Conns {
		fds = append(fds, FD{KindConn, c.FD})
		if c.Replay > 0 {
			fds = append(fds, FD{KindReplay, c.Replay})
		}
	}
	sort.Slice(fds, func(i, j int) bool { return fds[i].FD < fds[j].FD })
	return fds
}
