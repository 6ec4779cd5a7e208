package openwhisk

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

var big = strings.Repeat("QUJD", 1<<16) // 256 KiB of base64

// Bodies where the fast path must agree with encoding/json: the plain shape,
// and every shape it must leave to encoding/json.
var initBodies = []string{
	`{"value":{"binary":true,"main":"main","code":"` + big + `"}}`,
	` { "value" : { "code" : "` + big + `" , "binary" : true , "env" : {"A":"1","B":{"c":[1,2,{"d":null}]}} } } `,
	`{"value":{"code":"QUJD","main":"main"},"other":[1,"two",{"three":3}]}`,
	`{"value":{"code":"QU\nJD"}}`,             // a raw newline: invalid JSON
	`{"value":{"code":"QU\\nJD"}}`,            // an escaped one: valid, the slow path
	`{"value":{"code":"QUJD","code":"REVG"}}`, // the last one wins
	`{"value":{"code":"QUJD"},"value":{"code":"REVG"}}`,
	`{"value":{"Code":"QUJD"}}`, // names match ignoring case
	`{"Value":{"code":"QUJD"}}`,
	`{"value":{"\u0063ode":"QUJD"}}`, // an escaped key
	`{"value":{"code":""}}`,
	`{"value":{"code":5}}`,
	`{"value":{"code":"QUJD"}} trailing`,
	`{"value":{"code":"QUJD"}`,
	`{"value":{"code":"QUJD\"}}`,
	`{"value":{"code":"QUJD\\\\"}}`,
	`{"value":{"code":"QUJD"},}`,
	`{"value":[{"code":"QUJD"}]}`,
	`{"value":{"code":"QUJD","env":{"x":tru}}}`,
	`["value",{"code":"QUJD"}]`,
	`{"value":{"code":"QUJD","binary":"yes"}}`,
	`{"value":{"ｃode":"QUJD"}}`,
	`{}`,
	``,
	`null`,
}

func sameAsUnmarshal(t *testing.T, body string) {
	t.Helper()
	var want initRequest
	wantErr := json.Unmarshal([]byte(body), &want)
	got, gotErr := parseInit([]byte(body))
	if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
		t.Fatalf("%.80q: error %v, want %v", body, gotErr, wantErr)
	}
	if wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%.80q: %+.80v, want %+.80v", body, got, want)
	}
}

func TestParseInitAgreesWithEncodingJSON(t *testing.T) {
	for _, body := range initBodies {
		sameAsUnmarshal(t, body)
	}
}

func TestParseInitTakesTheFastPathForPlainBodies(t *testing.T) {
	if _, _, ok := codeSpan([]byte(initBodies[0])); !ok {
		t.Fatal("a plain /init body did not take the fast path")
	}
	for _, body := range initBodies[4:10] {
		if _, _, ok := codeSpan([]byte(body)); ok {
			t.Errorf("%.60q took the fast path", body)
		}
	}
}

func FuzzParseInit(f *testing.F) {
	for _, body := range initBodies {
		if len(body) < 4096 {
			f.Add(body)
		}
	}
	f.Fuzz(sameAsUnmarshal)
}
