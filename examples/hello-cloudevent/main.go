// hello-cloudevent: a CloudEvent function, with the CloudEvents SDK's own
// event type (as with functions-framework-go).
// Locally: functions-framework --source examples/hello-cloudevent --target hello --signature-type cloudevent
package main

import (
	"context"
	"log"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nodego/nodego/functions"
)

func init() {
	functions.CloudEvent("hello", func(ctx context.Context, e event.Event) error {
		log.Printf("Hello, CloudEvent %s of type %s from %s (subject %q)", e.ID(), e.Type(), e.Source(), e.Subject())
		return nil
	})
}

func main() {
	if err := functions.Serve(); err != nil {
		log.Fatal(err)
	}
}
