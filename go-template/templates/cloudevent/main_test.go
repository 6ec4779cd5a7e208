package main

import (
	"context"
	"testing"

	"github.com/cloudevents/sdk-go/v2/event"
)

func TestFunction(t *testing.T) {
	e := event.New()
	e.SetID("1")
	e.SetType("com.example.test")
	e.SetSource("/test")
	if err := e.SetData(event.ApplicationJSON, map[string]string{"hello": "world"}); err != nil {
		t.Fatal(err)
	}
	if err := Function(context.Background(), e); err != nil {
		t.Fatalf("Function = %v", err)
	}
	e.SetData("text/plain", []byte("not json"))
	if err := Function(context.Background(), e); err == nil {
		t.Fatal("Function accepted data that is not JSON")
	}
}
