package firebase

import (
	"context"
	"encoding/json"
	"time"

	"github.com/nodego/nodego/functions"
)

// CloudEvent is the event an event-triggered function gets: the CloudEvent's
// attributes, and its data as sent (decode it into the trigger's type).
type CloudEvent struct {
	ID          string          `json:"id"`
	Source      string          `json:"source"`
	Type        string          `json:"type"`
	SpecVersion string          `json:"specversion"`
	Subject     string          `json:"subject,omitempty"`
	Time        time.Time       `json:"time"`
	Data        json.RawMessage `json:"data,omitempty"`
	// Extensions the trigger adds (Firestore's document, database, ...).
	Extensions map[string]any `json:"-"`
}

// UnmarshalJSON keeps the attributes this struct has no field for.
func (e *CloudEvent) UnmarshalJSON(b []byte) error {
	type plain CloudEvent
	if err := json.Unmarshal(b, (*plain)(e)); err != nil {
		return err
	}
	var all map[string]any
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	for _, known := range []string{"id", "source", "type", "specversion", "subject", "time", "data", "data_base64", "datacontenttype"} {
		delete(all, known)
	}
	e.Extensions = all
	return nil
}

// EventFunc handles one event; an error makes the platform retry when the
// trigger retries.
type EventFunc func(ctx context.Context, e CloudEvent) error

// OnEvent registers an event-triggered function under id: a Functions
// Framework CloudEvent function, and its eventTrigger in the manifest. The
// pubsub, storage and firestore packages call it with their trigger.
func OnEvent(id string, opts Options, trigger EventTrigger, fn EventFunc) {
	if trigger.EventFilters == nil {
		trigger.EventFilters = map[string]string{}
	}
	Register(id, opts, Endpoint{EventTrigger: &trigger})
	functions.CloudEvent(id, func(ctx context.Context, e CloudEvent) error { return fn(ctx, e) })
}

// OnEventData is OnEvent with the event's data decoded from JSON as T, the
// payload type of a trigger package (pubsub, storage).
func OnEventData[T any](id string, opts Options, trigger EventTrigger, fn func(context.Context, CloudEvent, T) error) {
	OnEvent(id, opts, trigger, func(ctx context.Context, e CloudEvent) error {
		var data T
		if err := json.Unmarshal(e.Data, &data); err != nil {
			return err
		}
		return fn(ctx, e, data)
	})
}
