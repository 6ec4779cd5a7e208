package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestFunction(t *testing.T) {
	for _, c := range []struct{ query, want string }{
		{"", "Hello, World!\n"},
		{"?name=Ada", "Hello, Ada!\n"},
		{"?name=<b>", "Hello, &lt;b&gt;!\n"},
	} {
		rec := httptest.NewRecorder()
		Function(rec, httptest.NewRequest(http.MethodGet, "/"+c.query, nil))
		if rec.Code != http.StatusOK || rec.Body.String() != c.want {
			t.Errorf("GET /%s = %d %q, want 200 %q", c.query, rec.Code, rec.Body.String(), c.want)
		}
	}
}
