// Package pubsub registers functions triggered by Pub/Sub messages, as
// firebase-functions/v2/pubsub.
package pubsub

import (
	"context"

	"github.com/nodego/nodego/firebase"
)

// Options are a Pub/Sub function's options.
type Options struct {
	firebase.Options
	Retry bool // redeliver the message when the function fails
}

// MessagePublishedData is the event's data.
type MessagePublishedData struct {
	Message struct {
		Data        []byte            `json:"data"` // base64 in JSON, raw bytes here
		Attributes  map[string]string `json:"attributes"`
		MessageID   string            `json:"messageId"`
		PublishTime string            `json:"publishTime"`
		OrderingKey string            `json:"orderingKey,omitempty"`
	} `json:"message"`
	Subscription string `json:"subscription"`
}

// OnMessagePublished registers fn for messages published to topic.
func OnMessagePublished(id, topic string, opts Options, fn func(ctx context.Context, e firebase.CloudEvent, msg MessagePublishedData) error) {
	firebase.OnEventData(id, opts.Options, firebase.EventTrigger{
		EventType:    "google.cloud.pubsub.topic.v1.messagePublished",
		EventFilters: map[string]string{"topic": topic},
		Retry:        opts.Retry,
	}, fn)
}
