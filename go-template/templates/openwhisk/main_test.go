package main

import "testing"

func TestGreets(t *testing.T) {
	out, err := Main(map[string]any{"name": "Ada"})
	if err != nil || out["greeting"] != "Hello, Ada" {
		t.Fatalf("Main(Ada) = %v, %v", out, err)
	}
	if _, err := Main(map[string]any{}); err == nil {
		t.Fatal("Main({}) should fail")
	}
}
