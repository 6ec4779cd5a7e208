// owhello: one OpenWhisk action in two designs: the nodego way (the binary is
// the server; /init with it makes the proxy become it) and, with -loop, the
// actionloop way (a child of the proxy, one JSON activation per line).
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"os"

	"github.com/nodego/nodego/openwhisk"
)

func hello(params map[string]any) (map[string]any, error) {
	name, _ := params["name"].(string)
	if name == "" {
		return nil, errors.New("no name specified")
	}
	return map[string]any{"greetings": "Hello, " + name}, nil
}

func loop() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64*1024), 64<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var msg struct {
			Value map[string]any `json:"value"`
		}
		json.Unmarshal(in.Bytes(), &msg)
		result, err := hello(msg.Value)
		if err != nil {
			out.Encode(map[string]string{"error": err.Error()})
			continue
		}
		out.Encode(result)
	}
}

func main() {
	loopMode := flag.Bool("loop", false, "actionloop protocol on stdin/stdout")
	flag.Parse()
	if *loopMode {
		loop()
		return
	}
	openwhisk.Start(hello)
}
