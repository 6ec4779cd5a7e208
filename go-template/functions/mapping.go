package functions

import (
	"regexp"
	"sync"
)

// The Functions Framework's mapping between legacy (background) events and
// CloudEvents, for the Google sources it covers.

const (
	serviceFirebaseAuth = "firebaseauth.googleapis.com"
	serviceFirebaseDB   = "firebasedatabase.googleapis.com"
	serviceFirebase     = "firebase.googleapis.com"
	serviceFirestore    = "firestore.googleapis.com"
	servicePubSub       = "pubsub.googleapis.com"
	serviceStorage      = "storage.googleapis.com"

	pubsubMessageType = "type.googleapis.com/google.pubsub.v1.PubsubMessage"
	pubsubEventType   = "google.pubsub.topic.publish"
)

// cloudEventToLegacyType: CloudEvent type -> legacy event type.
var cloudEventToLegacyType = map[string]string{
	"google.cloud.pubsub.topic.v1.messagePublished":  "google.pubsub.topic.publish",
	"google.cloud.storage.object.v1.finalized":       "google.storage.object.finalize",
	"google.cloud.storage.object.v1.deleted":         "google.storage.object.delete",
	"google.cloud.storage.object.v1.archived":        "google.storage.object.archive",
	"google.cloud.storage.object.v1.metadataUpdated": "google.storage.object.metadataUpdate",
	"google.cloud.firestore.document.v1.written":     "providers/cloud.firestore/eventTypes/document.write",
	"google.cloud.firestore.document.v1.created":     "providers/cloud.firestore/eventTypes/document.create",
	"google.cloud.firestore.document.v1.updated":     "providers/cloud.firestore/eventTypes/document.update",
	"google.cloud.firestore.document.v1.deleted":     "providers/cloud.firestore/eventTypes/document.delete",
	"google.firebase.auth.user.v1.created":           "providers/firebase.auth/eventTypes/user.create",
	"google.firebase.auth.user.v1.deleted":           "providers/firebase.auth/eventTypes/user.delete",
	"google.firebase.analytics.log.v1.written":       "providers/google.firebase.analytics/eventTypes/event.log",
	"google.firebase.database.ref.v1.created":        "providers/google.firebase.database/eventTypes/ref.create",
	"google.firebase.database.ref.v1.written":        "providers/google.firebase.database/eventTypes/ref.write",
	"google.firebase.database.ref.v1.updated":        "providers/google.firebase.database/eventTypes/ref.update",
	"google.firebase.database.ref.v1.deleted":        "providers/google.firebase.database/eventTypes/ref.delete",
}

// legacyToCloudEventType is the inverse, plus two older legacy names.
var legacyToCloudEventType = func() map[string]string {
	m := map[string]string{
		"providers/cloud.storage/eventTypes/object.change": "google.cloud.storage.object.v1.finalized",
		"providers/cloud.pubsub/eventTypes/topic.publish":  "google.cloud.pubsub.topic.v1.messagePublished",
	}
	for ce, legacy := range cloudEventToLegacyType {
		m[legacy] = ce
	}
	return m
}()

// legacyServicePrefixes: legacy event type prefix -> CloudEvent service, for
// events whose resource does not name its service.
var legacyServicePrefixes = []struct{ prefix, service string }{
	{"providers/cloud.firestore/", serviceFirestore},
	{"providers/google.firebase.analytics/", serviceFirebase},
	{"providers/firebase.auth/", serviceFirebaseAuth},
	{"providers/google.firebase.database/", serviceFirebaseDB},
	{"providers/cloud.pubsub/", servicePubSub},
	{"providers/cloud.storage/", serviceStorage},
	{"google.pubsub", servicePubSub},
	{"google.storage", serviceStorage},
}

// resourceSplit: how a legacy resource splits into CloudEvent source
// resource (group 1) and subject (group 2), per service.
// Compiled on first use, as every expression here: not in a cold start.
var resourceSplit = sync.OnceValue(func() map[string]*regexp.Regexp {
	return map[string]*regexp.Regexp{
		serviceFirebase:   regexp.MustCompile(`^(projects/[^/]+)/(events/[^/]+)$`),
		serviceFirebaseDB: regexp.MustCompile(`^projects/[^/]/(instances/[^/]+)/(refs/.+)$`),
		serviceFirestore:  regexp.MustCompile(`^(projects/[^/]+/databases/\(default\))/(documents/.+)$`),
		serviceStorage:    regexp.MustCompile(`^(projects/[^/]/buckets/[^/]+)/(objects/.+)$`),
	}
})

func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

var (
	ceSource            = lazyRegexp(`^//([^/]+)/(.+)$`)
	firebaseDBDomain    = lazyRegexp(`^([\w-]+)\.firebasedatabase\.app$`)
	firebaseDBLocation  = lazyRegexp(`/locations/[^/]+`)
	pubsubTopicFromPath = lazyRegexp(`projects/[^/?]+/topics/[^/?]+`)
)
