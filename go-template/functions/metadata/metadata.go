// Package metadata is the context of a legacy (background) event: the same
// fields, JSON and accessors as cloud.google.com/go/functions/metadata, so a
// legacy event function ports by changing this import.
package metadata

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Metadata is a legacy event's context.
type Metadata struct {
	EventID   string    `json:"eventId"`
	Timestamp time.Time `json:"timestamp"`
	EventType string    `json:"eventType"`
	Resource  *Resource `json:"resource"`
}

// Resource is what the event is about. Older events give it as a plain
// string, kept in RawPath and written back the same way.
type Resource struct {
	Service string `json:"service,omitempty"`
	Name    string `json:"name,omitempty"`
	Type    string `json:"type,omitempty"`
	RawPath string `json:"-"`
}

func (r *Resource) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*r = Resource{RawPath: s}
		return nil
	}
	type plain Resource
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = Resource(p)
	return nil
}

func (r Resource) MarshalJSON() ([]byte, error) {
	if r.RawPath != "" && r.Service == "" && r.Name == "" && r.Type == "" {
		return json.Marshal(r.RawPath)
	}
	type plain Resource
	return json.Marshal(plain(r))
}

type key struct{}

// NewContext returns ctx carrying m.
func NewContext(ctx context.Context, m *Metadata) context.Context {
	return context.WithValue(ctx, key{}, m)
}

// FromContext returns the event's metadata.
func FromContext(ctx context.Context) (*Metadata, error) {
	if ctx == nil {
		return nil, errors.New("nil ctx")
	}
	m, ok := ctx.Value(key{}).(*Metadata)
	if !ok || m == nil {
		return nil, errors.New("unable to find metadata")
	}
	return m, nil
}
