package functions

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type greeting struct {
	First string `json:"first_name"`
}

func TestTyped(t *testing.T) {
	Typed("typed-greet", func(g greeting) (map[string]string, error) {
		if g.First == "" {
			return nil, errors.New("no name")
		}
		return map[string]string{"message": "Hello " + g.First + "!"}, nil
	})
	f, _ := lookup("typed-greet")
	h := httpHandler(f.http)
	for _, c := range []struct {
		body, want, status string
		code               int
	}{
		{`{"first_name":"Ada"}`, `{"message":"Hello Ada!"}`, "", 200},
		{`{}`, "no name", "error", 500},
		{`[1]`, "", "crash", 400},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		if rec.Code != c.code || rec.Header().Get(statusHeader) != c.status || (c.want != "" && rec.Body.String() != c.want) {
			t.Errorf("POST %s = %d %q %q, want %d %q %q", c.body, rec.Code, rec.Header().Get(statusHeader), rec.Body.String(), c.code, c.status, c.want)
		}
	}
}

func TestTypedRefusesOtherShapes(t *testing.T) {
	for _, fn := range []any{func() {}, func(a, b int) {}, func(int) (int, int) { return 0, 0 }, 42} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Typed(%T) did not panic", fn)
				}
			}()
			Typed("typed-bad", fn)
		}()
	}
}
