// hello: an OpenWhisk action in the original Go proxy's signature.
package main

import (
	"encoding/json"
	"errors"

	"github.com/nodego/nodego/openwhisk"
)

func hello(event json.RawMessage) (json.RawMessage, error) {
	var params struct {
		Name string `json:"name"`
	}
	json.Unmarshal(event, &params)
	if params.Name == "" {
		return nil, errors.New("no name specified")
	}
	return json.Marshal(map[string]string{"greetings": "Hello, " + params.Name})
}

func main() {
	openwhisk.Start(hello)
}
