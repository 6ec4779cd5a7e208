package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHandle(t *testing.T) {
	for _, c := range []struct{ query, want string }{
		{"", "Hello, world, from Go.\n"},
		{"?name=Ada", "Hello, Ada, from Go.\n"},
	} {
		rec := httptest.NewRecorder()
		Handle(rec, httptest.NewRequest(http.MethodGet, "/"+c.query, nil))
		if rec.Code != http.StatusOK || rec.Body.String() != c.want {
			t.Errorf("GET /%s = %d %q, want 200 %q", c.query, rec.Code, rec.Body.String(), c.want)
		}
	}
}
