// Firebase functions in Go, one of each kind: the HTTP and callable
// functions answer under the emulator; the event-triggered ones are in the
// manifest (functions.yaml) that `nodego build` writes.
package main

import (
	"context"
	"fmt"
	"html"
	"log"
	"net/http"

	"github.com/nodego/nodego/firebase"
	"github.com/nodego/nodego/firebase/firestore"
	"github.com/nodego/nodego/firebase/https"
	"github.com/nodego/nodego/firebase/logger"
	"github.com/nodego/nodego/firebase/pubsub"
	"github.com/nodego/nodego/firebase/scheduler"
	"github.com/nodego/nodego/firebase/storage"
)

func hello(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "World"
	}
	log.Printf("hello: greeting %q", name)
	logger.Info("greeted", map[string]any{"name": name})
	fmt.Fprintf(w, "Hello, %s!\n", html.EscapeString(name))
}

type addArgs struct {
	A, B *float64
	Boom bool
	Deny bool
}

func add(ctx context.Context, req *https.CallableRequest) (any, error) {
	var args addArgs
	if err := req.Decode(&args); err != nil {
		return nil, https.NewError(https.InvalidArgument, "add takes {a: number, b: number}")
	}
	switch {
	case args.Boom:
		panic("boom")
	case args.Deny:
		return nil, https.NewError(https.PermissionDenied, "no", map[string]any{"why": 1})
	case args.A == nil || args.B == nil:
		return nil, https.NewError(https.InvalidArgument, "add takes {a: number, b: number}")
	}
	var caller any
	if req.Auth != nil {
		caller = req.Auth.UID
	}
	var app any
	if req.App != nil {
		app = req.App.AppID
	}
	return map[string]any{"sum": *args.A + *args.B, "caller": caller, "app": app}, nil
}

func init() {
	log.SetFlags(0)
	https.OnRequest("hello", https.RequestOptions{Options: firebase.Options{Region: []string{"us-central1"}, Memory: "256MiB", TimeoutSeconds: 30}}, hello)
	https.OnCall("add", https.CallableOptions{}, add)
	pubsub.OnMessagePublished("onNews", "news", pubsub.Options{}, func(ctx context.Context, e firebase.CloudEvent, msg pubsub.MessagePublishedData) error {
		log.Printf("news: %s", msg.Message.Data)
		return nil
	})
	storage.OnObjectFinalized("onUpload", storage.Options{Bucket: "nodego-uploads"}, func(ctx context.Context, e firebase.CloudEvent, obj storage.ObjectData) error {
		log.Printf("uploaded: %s", obj.Name)
		return nil
	})
	firestore.OnDocumentWritten("onUser", "users/{uid}", firestore.Options{}, func(ctx context.Context, e firebase.CloudEvent) error {
		log.Printf("user written: %s", e.Subject)
		return nil
	})
	scheduler.OnSchedule("tick", "every 5 minutes", scheduler.Options{}, func(ctx context.Context, e scheduler.Event) error {
		log.Printf("tick at %s", e.ScheduleTime)
		return nil
	})
}

func main() {
	if err := firebase.Serve(); err != nil {
		log.Fatal(err)
	}
}
