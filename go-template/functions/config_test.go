package functions

import (
	"testing"
	"time"
)

func TestConfigPrecedence(t *testing.T) {
	env := map[string]string{"FUNCTION_TARGET": "fromEnv", "PORT": "9000", "CLOUD_RUN_TIMEOUT_SECONDS": "5", "FUNCTION_SIGNATURE_TYPE": "event"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	c, err := ConfigFrom(nil, lookup)
	if err != nil || c.Target != "fromEnv" || c.Port != "9000" || c.Timeout != 5*time.Second || c.Signature != SignatureEvent {
		t.Fatalf("variables: %+v %v", c, err)
	}
	c, err = ConfigFrom([]string{"--target=fromFlag", "--port", "7000", "--signature-type", "cloudevent", "--timeout=9", "--log-execution-id", "--ignored-routes", "/x"}, lookup)
	if err != nil || c.Target != "fromFlag" || c.Port != "7000" || c.Signature != SignatureCloudEvent || c.Timeout != 9*time.Second || !c.LogExecutionID || *c.IgnoredRoutes != "/x" {
		t.Fatalf("flags over variables: %+v %v", c, err)
	}
	c, _ = ConfigFrom(nil, func(string) (string, bool) { return "", false })
	if c.Target != "function" || c.Port != "8080" || c.Signature != SignatureHTTP || c.Timeout != 0 || c.IgnoredRoutes != nil {
		t.Fatalf("defaults: %+v", c)
	}
	if _, err := ConfigFrom([]string{"--signature-type", "bogus"}, lookup); err == nil {
		t.Error("a bad signature type must be refused, as the framework does")
	}
	if _, err := ConfigFrom([]string{"--timeout", "-3"}, lookup); err == nil {
		t.Error("a negative timeout must be refused")
	}
}
