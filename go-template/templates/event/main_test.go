package main

import (
	"context"
	"testing"

	"github.com/nodego/nodego/functions/metadata"
)

func TestFunction(t *testing.T) {
	ctx := metadata.NewContext(context.Background(), &metadata.Metadata{EventID: "1", EventType: "google.pubsub.topic.publish"})
	if err := Function(ctx, PubSubMessage{Data: []byte("hello")}); err != nil {
		t.Fatalf("Function = %v", err)
	}
	if err := Function(context.Background(), PubSubMessage{}); err == nil {
		t.Fatal("Function without metadata should fail")
	}
}
