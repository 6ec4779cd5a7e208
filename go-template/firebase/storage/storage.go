// Package storage registers functions triggered by Cloud Storage objects, as
// firebase-functions/v2/storage.
package storage

import (
	"context"

	"github.com/nodego/nodego/firebase"
)

// Options are a Storage function's options; Bucket is required (the
// project's default bucket is not known to the binary).
type Options struct {
	firebase.Options
	Bucket string
	Retry  bool
}

// ObjectData is the part of the event's object most functions use; the
// whole object is in the event's Data.
type ObjectData struct {
	Bucket      string `json:"bucket"`
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        string `json:"size"`
	Generation  string `json:"generation"`
}

func on(id, event string, opts Options, fn func(context.Context, firebase.CloudEvent, ObjectData) error) {
	firebase.OnEventData(id, opts.Options, firebase.EventTrigger{
		EventType:    "google.cloud.storage.object.v1." + event,
		EventFilters: map[string]string{"bucket": opts.Bucket},
		Retry:        opts.Retry,
	}, fn)
}

// OnObjectFinalized: a new object (or a new generation of one) is written.
func OnObjectFinalized(id string, opts Options, fn func(context.Context, firebase.CloudEvent, ObjectData) error) {
	on(id, "finalized", opts, fn)
}

// OnObjectDeleted: an object is deleted.
func OnObjectDeleted(id string, opts Options, fn func(context.Context, firebase.CloudEvent, ObjectData) error) {
	on(id, "deleted", opts, fn)
}

// OnObjectArchived: a live object becomes noncurrent.
func OnObjectArchived(id string, opts Options, fn func(context.Context, firebase.CloudEvent, ObjectData) error) {
	on(id, "archived", opts, fn)
}

// OnObjectMetadataUpdated: an object's metadata changes.
func OnObjectMetadataUpdated(id string, opts Options, fn func(context.Context, firebase.CloudEvent, ObjectData) error) {
	on(id, "metadataUpdated", opts, fn)
}
