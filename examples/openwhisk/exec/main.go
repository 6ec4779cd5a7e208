// exec: the bare self-replacing proxy. Until /init sends it an action, every
// /run says so; /init with a binary makes this process that binary, same
// PID, same port, no moment with the port closed.
package main

import (
	"encoding/json"

	"github.com/nodego/nodego/openwhisk"
)

func main() {
	openwhisk.Start(func(json.RawMessage) (json.RawMessage, error) {
		return nil, openwhisk.ErrNoBinary
	})
}
