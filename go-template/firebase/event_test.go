package firebase

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/nodego/nodego/functions"
)

type payload struct {
	Name string `json:"name"`
}

// What the registered function last received (it runs inside ServeHTTP).
var decoded payload

// serve delivers a binary-mode CloudEvent with body as its data to target.
func serve(t *testing.T, target, body string) int {
	t.Helper()
	h, err := functions.Handler(functions.Config{Target: target})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("ce-specversion", "1.0")
	r.Header.Set("ce-id", "1")
	r.Header.Set("ce-source", "//test")
	r.Header.Set("ce-type", "google.cloud.storage.object.v1.finalized")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

// A trigger package's handler gets the event's data decoded; data that is
// not its JSON fails the delivery (a non-2xx answer: the platform retries).
// The framework's registry is per process: register once, whatever -count says.
var registerDecodeTest sync.Once

func TestOnEventDataDecodesTheData(t *testing.T) {
	registerDecodeTest.Do(func() {
		reset()
		trigger := EventTrigger{EventType: "google.cloud.storage.object.v1.finalized", EventFilters: map[string]string{"bucket": "b"}}
		OnEventData("decodeTest", Options{}, trigger, func(ctx context.Context, e CloudEvent, p payload) error {
			decoded = p
			return nil
		})
	})
	decoded = payload{}
	if code := serve(t, "decodeTest", `{"name":"a.txt"}`); code/100 != 2 || decoded.Name != "a.txt" {
		t.Fatalf("answered %d with %+v, want 2xx and a.txt", code, decoded)
	}
	if code := serve(t, "decodeTest", `["not","an","object"]`); code/100 == 2 {
		t.Fatalf("data of the wrong shape answered %d", code)
	}
}
