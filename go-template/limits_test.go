package nodego

import (
	"testing"
	"time"
)

func TestLimitsPrecedence(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	if got := (Limits{}).resolve(env(nil)); got != NodeLimits {
		t.Errorf("defaults = %+v, want Node's %+v", got, NodeLimits)
	}
	got := (Limits{}).resolve(env(map[string]string{
		"NODE_OPTIONS":      "--max-old-space-size=512 --max-http-header-size=32768",
		EnvHeadersTimeout:   "1500",
		EnvRequestTimeout:   "not a number",
		EnvKeepAliveTimeout: "-4",
	}))
	want := Limits{MaxHeaderBytes: 32768, HeadersTimeout: 1500 * time.Millisecond, RequestTimeout: NodeLimits.RequestTimeout, KeepAliveTimeout: NodeLimits.KeepAliveTimeout}
	if got != want {
		t.Errorf("from the variables = %+v, want %+v", got, want)
	}
	got = (Limits{MaxHeaderBytes: 1000, KeepAliveTimeout: time.Second}).resolve(env(map[string]string{EnvMaxHeaderSize: "9999", EnvKeepAliveTimeout: "7"}))
	if got.MaxHeaderBytes != 1000 || got.KeepAliveTimeout != time.Second {
		t.Errorf("a field set on the Server wins over its variable: %+v", got)
	}
	if got = (Limits{}).resolve(env(map[string]string{"NODE_OPTIONS": "--max-http-header-size=100", EnvMaxHeaderSize: "200"})); got.MaxHeaderBytes != 200 {
		t.Errorf("%s wins over NODE_OPTIONS: %d", EnvMaxHeaderSize, got.MaxHeaderBytes)
	}
}
