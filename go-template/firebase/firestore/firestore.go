// Package firestore registers functions triggered by Cloud Firestore
// documents, as firebase-functions/v2/firestore. The event's data is the
// protobuf DocumentEventData Eventarc sends (application/protobuf): decode
// it with your protobuf library of choice.
package firestore

import (
	"github.com/nodego/nodego/firebase"
)

// Options are a Firestore function's options.
type Options struct {
	firebase.Options
	Database  string // default "(default)"
	Namespace string // default "(default)"
	Retry     bool
}

func on(id, event, document string, opts Options, fn firebase.EventFunc) {
	database, namespace := opts.Database, opts.Namespace
	if database == "" {
		database = "(default)"
	}
	if namespace == "" {
		namespace = "(default)"
	}
	firebase.OnEvent(id, opts.Options, firebase.EventTrigger{
		EventType:               "google.cloud.firestore.document.v1." + event,
		EventFilters:            map[string]string{"database": database, "namespace": namespace},
		EventFilterPathPatterns: map[string]string{"document": document},
		Retry:                   opts.Retry,
	}, fn)
}

// OnDocumentCreated: a document matching the path pattern ("users/{uid}") is created.
func OnDocumentCreated(id, document string, opts Options, fn firebase.EventFunc) {
	on(id, "created", document, opts, fn)
}

// OnDocumentUpdated: a matching document changes.
func OnDocumentUpdated(id, document string, opts Options, fn firebase.EventFunc) {
	on(id, "updated", document, opts, fn)
}

// OnDocumentDeleted: a matching document is deleted.
func OnDocumentDeleted(id, document string, opts Options, fn firebase.EventFunc) {
	on(id, "deleted", document, opts, fn)
}

// OnDocumentWritten: any of the three.
func OnDocumentWritten(id, document string, opts Options, fn firebase.EventFunc) {
	on(id, "written", document, opts, fn)
}
