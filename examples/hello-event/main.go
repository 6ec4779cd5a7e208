// hello-event: a legacy (background) event function, a Pub/Sub message in.
// Locally: functions-framework --source examples/hello-event --target hello --signature-type event
package main

import (
	"context"
	"log"

	"github.com/nodego/nodego/functions"
	"github.com/nodego/nodego/functions/metadata"
)

// PubSubMessage is the data of a Pub/Sub legacy event.
type PubSubMessage struct {
	Data       []byte            `json:"data"`
	Attributes map[string]string `json:"attributes"`
}

func init() {
	functions.Event("hello", func(ctx context.Context, m PubSubMessage) error {
		md, err := metadata.FromContext(ctx)
		if err != nil {
			return err
		}
		name := string(m.Data)
		if name == "" {
			name = "World"
		}
		log.Printf("Hello, %s! (event %s, %s)", name, md.EventID, md.EventType)
		return nil
	})
}

func main() {
	if err := functions.Serve(); err != nil {
		log.Fatal(err)
	}
}
