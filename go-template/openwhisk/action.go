// Package openwhisk runs a Go function as an Apache OpenWhisk action: the
// /init and /run contract, served by nodego. The same binary works as the
// action of the OpenWhisk Node.js runtime (Node swaps into it during /init)
// and as a standalone proxy, which /init with a new binary turns into that
// binary by execve, keeping its port and the /init connection.
package openwhisk

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
)

// The function signatures an action may have: the original Go proxy's, and
// the OpenWhisk Go runtime's (with or without an error).
type (
	RawFunc      = func(json.RawMessage) (json.RawMessage, error)
	MapFunc      = func(map[string]any) map[string]any
	MapErrorFunc = func(map[string]any) (map[string]any, error)
)

// ErrNoBinary is what the bare proxy answers until /init gives it an action.
var ErrNoBinary = errors.New("the action failed to locate a binary")

// errNotDict: a MapFunc was called with a value that is not an object.
var errNotDict = errors.New("The action did not receive a dictionary as an argument.")

type action func(json.RawMessage) (json.RawMessage, error)

var (
	registryMu sync.Mutex
	registry   = map[string]action{}
)

// Register makes fn the entry point called name ("main" is the default an
// /init selects). It panics on a signature it cannot call.
func Register(name string, fn any) {
	a, err := adapt(fn)
	if err != nil {
		panic(fmt.Sprintf("openwhisk.Register(%q): %v", name, err))
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	registry[name] = a
}

func lookup(name string) (action, bool) {
	registryMu.Lock()
	defer registryMu.Unlock()
	a, ok := registry[name]
	return a, ok
}

func adapt(fn any) (action, error) {
	switch f := fn.(type) {
	case RawFunc:
		return action(f), nil
	case MapFunc:
		return func(v json.RawMessage) (json.RawMessage, error) {
			m, err := asDict(v)
			if err != nil {
				return nil, err
			}
			return json.Marshal(f(m))
		}, nil
	case MapErrorFunc:
		return func(v json.RawMessage) (json.RawMessage, error) {
			m, err := asDict(v)
			if err != nil {
				return nil, err
			}
			out, err := f(m)
			if err != nil {
				return nil, err
			}
			return json.Marshal(out)
		}, nil
	default:
		return nil, fmt.Errorf("%T is not func(json.RawMessage) (json.RawMessage, error) nor func(map[string]any) map[string]any", fn)
	}
}

func asDict(v json.RawMessage) (map[string]any, error) {
	m := map[string]any{}
	if len(v) == 0 || string(v) == "null" {
		return m, nil
	}
	if err := json.Unmarshal(v, &m); err != nil {
		return nil, errNotDict
	}
	return m, nil
}
