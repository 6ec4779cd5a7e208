// A legacy (background) event function: edit Function. This one takes a
// Pub/Sub message; metadata.FromContext gives the event's id, type, time.
package main

import (
	"context"
	"log"

	"github.com/nodego/nodego/functions"
	"github.com/nodego/nodego/functions/metadata"
)

// PubSubMessage is the data of a Pub/Sub event.
type PubSubMessage struct {
	Data       []byte            `json:"data"`
	Attributes map[string]string `json:"attributes"`
}

// Function handles one event; an error makes the delivery fail (and retry).
func Function(ctx context.Context, m PubSubMessage) error {
	md, err := metadata.FromContext(ctx)
	if err != nil {
		return err
	}
	log.Printf("event %s (%s): %q", md.EventID, md.EventType, m.Data)
	return nil
}

func init() {
	functions.Event("function", Function)
}

func main() {
	if err := functions.Serve(); err != nil {
		log.Fatal(err)
	}
}
