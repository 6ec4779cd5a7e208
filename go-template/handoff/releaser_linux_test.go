package handoff

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

func releaserEnv(vars map[string]string) (func(string) (string, bool), func(string) error) {
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	unset := func(k string) error { delete(vars, k); return nil }
	return lookup, unset
}

// A child named in NODEGO_RELEASER is reaped once it exits: no zombie stays.
func TestReapReleaserReapsTheChild(t *testing.T) {
	child := exec.Command("sleep", "0.2")
	if err := child.Start(); err != nil {
		t.Skip("no sleep here:", err)
	}
	vars := map[string]string{EnvReleaser: strconv.Itoa(child.Process.Pid)}
	lookup, unset := releaserEnv(vars)
	reapReleaser(lookup, unset)
	if _, ok := vars[EnvReleaser]; ok {
		t.Fatal("the variable was left set")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(child.Process.Pid) + "/stat")
		if err != nil {
			return // reaped
		}
		if time.Now().After(deadline) {
			t.Fatalf("child not reaped: %s", strings.TrimSpace(string(stat)))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A value that is not a pid is dropped, and nothing is waited for.
func TestReapReleaserIgnoresANonPid(t *testing.T) {
	for _, bad := range []string{"", "x", "-1", "0"} {
		vars := map[string]string{EnvReleaser: bad}
		lookup, unset := releaserEnv(vars)
		reapReleaser(lookup, unset)
		if _, ok := vars[EnvReleaser]; ok {
			t.Fatalf("%q: the variable was left set", bad)
		}
	}
}
