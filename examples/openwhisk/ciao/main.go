// ciao: an OpenWhisk action in the OpenWhisk Go runtime's signature.
package main

import (
	"errors"

	"github.com/nodego/nodego/openwhisk"
)

func ciao(params map[string]any) (map[string]any, error) {
	name, _ := params["name"].(string)
	if name == "" {
		return nil, errors.New("no name specified")
	}
	return map[string]any{"saluti": "Ciao, " + name}, nil
}

func main() {
	openwhisk.Start(ciao)
}
