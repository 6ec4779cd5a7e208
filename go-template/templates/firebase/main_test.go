package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nodego/nodego/firebase/https"
)

func TestHello(t *testing.T) {
	rec := httptest.NewRecorder()
	Hello(rec, httptest.NewRequest(http.MethodGet, "/?name=Ada", nil))
	if rec.Code != http.StatusOK || rec.Body.String() != "Hello, Ada!\n" {
		t.Errorf("GET /?name=Ada = %d %q", rec.Code, rec.Body.String())
	}
}

func TestAdd(t *testing.T) {
	h := https.CallableHandler(https.CallableOptions{}, Add)
	for _, c := range []struct {
		body       string
		wantStatus int
		wantBody   string
	}{
		{`{"data":{"a":1,"b":2}}`, 200, `{"result":{"caller":"anonymous","sum":3}}`},
		{`{"data":{"a":1}}`, 400, `{"error":{"message":"add takes {a: number, b: number}","status":"INVALID_ARGUMENT"}}`},
		{`{}`, 400, `{"error":{"message":"Bad Request","status":"INVALID_ARGUMENT"}}`},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		h(rec, req)
		if rec.Code != c.wantStatus || rec.Body.String() != c.wantBody {
			t.Errorf("POST %s = %d %s, want %d %s", c.body, rec.Code, rec.Body.String(), c.wantStatus, c.wantBody)
		}
	}
}
