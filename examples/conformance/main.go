// conformance: the functions Google's Functions Framework conformance suite
// calls. Each writes what it received to function_output.json in its working
// directory, where the suite reads it; the concurrent ones take a second;
// the typed one answers what it got, as the suite's typed mode expects.
package main

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nodego/nodego/functions"
	"github.com/nodego/nodego/functions/metadata"
)

const output = "function_output.json"

func writeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err == nil {
		err = os.WriteFile(output, body, 0o644)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func writeCloudEvent(ctx context.Context, e event.Event) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return os.WriteFile(output, b, 0o644)
}

func writeLegacyEvent(ctx context.Context, data any) error {
	md, err := metadata.FromContext(ctx)
	if err != nil {
		return err
	}
	b, err := json.Marshal(map[string]any{"data": data, "context": md})
	if err != nil {
		return err
	}
	return os.WriteFile(output, b, 0o644)
}

// typedAnswer is the typed mode's answer: the request, as "payload".
type typedAnswer struct {
	Payload any `json:"payload"`
}

func echoTyped(req any) (typedAnswer, error) { return typedAnswer{Payload: req}, nil }

func init() {
	functions.HTTP("http", writeHTTP)
	functions.Typed("typed", echoTyped)
	functions.CloudEvent("cloudevent", writeCloudEvent)
	functions.Event("legacyevent", writeLegacyEvent)
	functions.HTTP("concurrenthttp", func(w http.ResponseWriter, r *http.Request) { time.Sleep(time.Second) })
	functions.CloudEvent("concurrentcloudevent", func(ctx context.Context, e event.Event) error {
		time.Sleep(time.Second)
		return nil
	})
	functions.Event("concurrentlegacyevent", func(ctx context.Context, data any) error {
		time.Sleep(time.Second)
		return nil
	})
}

func main() {
	if err := functions.Serve(); err != nil {
		log.Fatal(err)
	}
}
