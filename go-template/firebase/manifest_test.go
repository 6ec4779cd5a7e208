package firebase

import (
	"encoding/json"
	"strings"
	"testing"
)

func reset() {
	mu.Lock()
	defer mu.Unlock()
	endpoints, apis, problems = map[string]*Endpoint{}, map[string]string{}, nil
}

// The SDK's own output (firebase-functions 7.4, GET /__/functions.yaml) for
// onRequest({region: "europe-west1", memory: "256MiB", timeoutSeconds: 30,
// minInstances: 0, maxInstances: 5, secrets: ["API_KEY"]}, ...).
const sdkHello = `{"availableMemoryMb":256,"timeoutSeconds":30,"minInstances":0,"maxInstances":5,"ingressSettings":null,"concurrency":null,"serviceAccountEmail":null,"vpc":null,"platform":"gcfv2","region":["europe-west1"],"secretEnvironmentVariables":[{"key":"API_KEY"}],"labels":{},"httpsTrigger":{},"entryPoint":"hello"}`

func TestEndpointAsTheSDKWritesIt(t *testing.T) {
	reset()
	zero := 0
	Register("hello", Options{Region: []string{"europe-west1"}, Memory: "256MiB", TimeoutSeconds: 30, MinInstances: &zero, MaxInstances: 5, Secrets: []string{"API_KEY"}}, Endpoint{HTTPSTrigger: &HTTPSTrigger{}})
	m, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(m.Endpoints["hello"])
	var a, b any
	json.Unmarshal(got, &a)
	json.Unmarshal([]byte(sdkHello), &b)
	ga, _ := json.Marshal(a)
	gb, _ := json.Marshal(b)
	if string(ga) != string(gb) {
		t.Errorf("endpoint\n got %s\nwant %s", ga, gb)
	}
}

func TestBuildRefusesWithEveryReason(t *testing.T) {
	reset()
	Register("bad.id", Options{Memory: "3GiB", TimeoutSeconds: 4000}, Endpoint{HTTPSTrigger: &HTTPSTrigger{}})
	_, err := Build()
	if err == nil {
		t.Fatal("Build accepted an invalid endpoint")
	}
	for _, want := range []string{"bad.id: memory \"3GiB\"", "bad.id: function name(s) can only contain", "bad.id: timeout 4000s exceeds"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestBuildWithNothingRegistered(t *testing.T) {
	reset()
	if _, err := Build(); err == nil || !strings.Contains(err.Error(), "no function is registered") {
		t.Errorf("Build() = %v", err)
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	reset()
	Register("a", Options{}, Endpoint{HTTPSTrigger: &HTTPSTrigger{}})
	defer func() {
		if recover() == nil {
			t.Error("a second registration of the same id did not panic")
		}
	}()
	Register("a", Options{}, Endpoint{HTTPSTrigger: &HTTPSTrigger{}})
}
