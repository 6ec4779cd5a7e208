package handoff

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

type vectors struct {
	Valid []struct {
		Name    string   `json:"name"`
		Handoff Handoff  `json:"handoff"`
		Env     []string `json:"env"`
	} `json:"valid"`
	Ignored []struct {
		Name string   `json:"name"`
		PID  int      `json:"pid"`
		Env  []string `json:"env"`
	} `json:"ignored"`
	Invalid []struct {
		Name  string   `json:"name"`
		PID   int      `json:"pid"`
		Env   []string `json:"env"`
		Error string   `json:"error"`
	} `json:"invalid"`
	Refused []struct {
		Name    string  `json:"name"`
		Handoff Handoff `json:"handoff"`
		Error   string  `json:"error"`
	} `json:"refused"`
	Hosts []string `json:"hosts"`
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	data, err := os.ReadFile("testdata/handoff-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Valid) == 0 || len(v.Invalid) == 0 || len(v.Ignored) == 0 || len(v.Refused) == 0 || len(v.Hosts) == 0 {
		t.Fatal("vector file has an empty section")
	}
	return v
}

func lookupIn(env []string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		for _, kv := range env {
			if k, v, _ := strings.Cut(kv, "="); k == name {
				return v, true
			}
		}
		return "", false
	}
}

func TestVectorsEncode(t *testing.T) {
	for _, c := range loadVectors(t).Valid {
		h := c.Handoff
		if got := h.Env(); !reflect.DeepEqual(got, c.Env) {
			t.Errorf("%s: Env() = %q, want %q", c.Name, got, c.Env)
		}
	}
}

func TestVectorsDecode(t *testing.T) {
	for _, c := range loadVectors(t).Valid {
		got, err := Decode(lookupIn(c.Env), c.Handoff.PID)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		if !reflect.DeepEqual(*got, c.Handoff) {
			t.Errorf("%s: Decode = %+v, want %+v", c.Name, *got, c.Handoff)
		}
	}
}

func TestVectorsIgnored(t *testing.T) {
	for _, c := range loadVectors(t).Ignored {
		got, err := Decode(lookupIn(c.Env), c.PID)
		if got != nil || err != nil {
			t.Errorf("%s: Decode = %+v, %v; want no hand-off", c.Name, got, err)
		}
	}
}

func TestVectorsInvalid(t *testing.T) {
	for _, c := range loadVectors(t).Invalid {
		got, err := Decode(lookupIn(c.Env), c.PID)
		if err == nil || !strings.Contains(err.Error(), c.Error) {
			t.Errorf("%s: Decode = %+v, %v; want an error containing %q", c.Name, got, err, c.Error)
		}
	}
}

func TestVectorsRefused(t *testing.T) {
	for _, c := range loadVectors(t).Refused {
		err := c.Handoff.Validate()
		if err == nil || !strings.Contains(err.Error(), c.Error) {
			t.Errorf("%s: Validate = %v; want an error containing %q", c.Name, err, c.Error)
		}
	}
}

func TestVectorsValidAreValid(t *testing.T) {
	for _, c := range loadVectors(t).Valid {
		if err := c.Handoff.Validate(); err != nil {
			t.Errorf("%s: %v", c.Name, err)
		}
	}
}

func TestHostsAreTheVectorFiles(t *testing.T) {
	if want := loadVectors(t).Hosts; !reflect.DeepEqual(Hosts, want) {
		t.Errorf("Hosts = %q, the vector file says %q", Hosts, want)
	}
	for _, h := range Hosts {
		if !KnownHost(h) {
			t.Errorf("KnownHost(%q) = false", h)
		}
	}
	if KnownHost("lambda") {
		t.Error(`KnownHost("lambda") = true`)
	}
}
