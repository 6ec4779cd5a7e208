// An OpenWhisk action in Go: edit Main. `nodego build` compiles it to
// bin/function; `nodego package --target openwhisk` zips it as a Node.js
// action whose index.js swaps into it during /init.
package main

import (
	"errors"

	"github.com/nodego/nodego/openwhisk"
)

// Main is the action: params are the activation's parameters, the map it
// returns is the result.
func Main(params map[string]any) (map[string]any, error) {
	name, _ := params["name"].(string)
	if name == "" {
		return nil, errors.New("no name specified")
	}
	return map[string]any{"greeting": "Hello, " + name}, nil
}

func main() {
	openwhisk.Start(Main)
}
