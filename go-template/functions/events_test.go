package functions

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

func mustObject(t *testing.T, s string) object {
	t.Helper()
	var o object
	if err := json.Unmarshal([]byte(s), &o); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestCloudEventFromLegacy(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{
			"storage: resource splits into source and subject",
			`{"context":{"eventId":"e1","timestamp":"2021-01-01T00:00:00Z","eventType":"google.storage.object.finalize","resource":{"service":"storage.googleapis.com","name":"projects/_/buckets/b/objects/o.txt","type":"storage#object"}},"data":{"kind":"storage#object","name":"o.txt"}}`,
			`{"specversion":"1.0","id":"e1","time":"2021-01-01T00:00:00Z","type":"google.cloud.storage.object.v1.finalized","source":"//storage.googleapis.com/projects/_/buckets/b","subject":"objects/o.txt","datacontenttype":"application/json","data":{"kind":"storage#object","name":"o.txt"}}`,
		},
		{
			"pubsub, flat legacy form: message wrapped, id and time copied in",
			`{"eventId":"m1","timestamp":"2021-01-01T00:00:00Z","eventType":"providers/cloud.pubsub/eventTypes/topic.publish","resource":"projects/p/topics/t","data":{"data":"aGk="}}`,
			`{"specversion":"1.0","id":"m1","time":"2021-01-01T00:00:00Z","type":"google.cloud.pubsub.topic.v1.messagePublished","source":"//pubsub.googleapis.com/projects/p/topics/t","datacontenttype":"application/json","data":{"message":{"data":"aGk=","messageId":"m1","publishTime":"2021-01-01T00:00:00Z"}}}`,
		},
		{
			"firebase auth: metadata names change, subject from uid",
			`{"eventId":"a1","timestamp":"2021-01-01T00:00:00Z","eventType":"providers/firebase.auth/eventTypes/user.create","resource":"projects/p","data":{"uid":"u1","metadata":{"createdAt":"x","lastSignedInAt":"y"}}}`,
			`{"specversion":"1.0","id":"a1","time":"2021-01-01T00:00:00Z","type":"google.firebase.auth.user.v1.created","source":"//firebaseauth.googleapis.com/projects/p","subject":"users/u1","datacontenttype":"application/json","data":{"uid":"u1","metadata":{"createTime":"x","lastSignInTime":"y"}}}`,
		},
		{
			"firebase database: the location comes from the domain",
			`{"eventId":"d1","timestamp":"2021-01-01T00:00:00Z","eventType":"providers/google.firebase.database/eventTypes/ref.write","resource":"projects/_/instances/db/refs/a/b","domain":"europe-west1.firebasedatabase.app","data":{"x":1}}`,
			`{"specversion":"1.0","id":"d1","time":"2021-01-01T00:00:00Z","type":"google.firebase.database.ref.v1.written","source":"//firebasedatabase.googleapis.com/projects/_/locations/europe-west1/instances/db","subject":"refs/a/b","datacontenttype":"application/json","data":{"x":1}}`,
		},
	}
	for _, c := range cases {
		got, ok, err := cloudEventFromLegacy(mustObject(t, c.in))
		if !ok || err != nil {
			t.Errorf("%s: ok=%v err=%v", c.name, ok, err)
			continue
		}
		if want := mustObject(t, c.want); !reflect.DeepEqual(mustObject(t, string(must(json.Marshal(got)))), want) {
			t.Errorf("%s:\n got %s\nwant %s", c.name, must(json.Marshal(got)), c.want)
		}
	}
	if _, ok, _ := cloudEventFromLegacy(mustObject(t, `{"eventType":"not.known","resource":"r","data":{}}`)); ok {
		t.Error("an unknown legacy type converted")
	}
	if _, _, err := cloudEventFromLegacy(mustObject(t, `{"eventType":"google.storage.object.finalize","resource":"not a storage path","data":{}}`)); err == nil || !strings.Contains(err.Error(), "did not match") {
		t.Errorf("a bad storage resource: err = %v", err)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestLegacyFromCloudEvent(t *testing.T) {
	attrs := map[string]string{"id": "m1", "time": "2021-01-01T00:00:00Z", "type": "google.cloud.pubsub.topic.v1.messagePublished", "source": "//pubsub.googleapis.com/projects/p/topics/t", "specversion": "1.0"}
	got, err := legacyFromCloudEvent(attrs, []byte(`{"message":{"data":"aGk=","messageId":"m1","publishTime":"x"}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"context":{"eventId":"m1","timestamp":"2021-01-01T00:00:00Z","eventType":"google.pubsub.topic.publish","resource":{"service":"pubsub.googleapis.com","name":"projects/p/topics/t","type":"type.googleapis.com/google.pubsub.v1.PubsubMessage"}},"data":{"data":"aGk="}}`
	if !reflect.DeepEqual(mustObject(t, string(must(json.Marshal(got)))), mustObject(t, want)) {
		t.Errorf("got %s\nwant %s", must(json.Marshal(got)), want)
	}
	firestore := map[string]string{"id": "f1", "time": "t", "type": "google.cloud.firestore.document.v1.written", "source": "//firestore.googleapis.com/projects/p/databases/(default)", "subject": "documents/c/d", "specversion": "1.0"}
	got, _ = legacyFromCloudEvent(firestore, []byte(`{}`))
	if r := got["context"].(object)["resource"]; r != "projects/p/databases/(default)/documents/c/d" {
		t.Errorf("firestore resource = %v", r)
	}
}

func TestOversizedBodyIs413(t *testing.T) {
	old := maxBody
	maxBody = 10
	defer func() { maxBody = old }()
	h := httpHandler(func(w http.ResponseWriter, r *http.Request) {})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"a":"more than ten bytes"}`))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d, want 413", rec.Code)
	}
}
