// A CloudEvent function: edit Function. The event is the CloudEvents SDK's
// own type, as in functions-framework-go.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nodego/nodego/functions"
)

// Function handles one event; an error makes the delivery fail (and retry).
func Function(ctx context.Context, e event.Event) error {
	var data map[string]any
	if err := e.DataAs(&data); err != nil {
		return fmt.Errorf("event %s: the data is not a JSON object: %w", e.ID(), err)
	}
	log.Printf("event %s of type %s from %s: %v", e.ID(), e.Type(), e.Source(), data)
	return nil
}

func init() {
	functions.CloudEvent("function", Function)
}

func main() {
	if err := functions.Serve(); err != nil {
		log.Fatal(err)
	}
}
