package openwhisk

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecodeBinaryAcceptsWrappedBase64(t *testing.T) {
	data := bytes.Repeat([]byte("nodego"), 100)
	enc := base64.StdEncoding.EncodeToString(data)
	var wrapped strings.Builder
	for i := 0; i < len(enc); i += 76 {
		end := min(i+76, len(enc))
		wrapped.WriteString(enc[i:end] + "\r\n ")
	}
	got, err := decodeBinary(wrapped.String())
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("decodeBinary = %v, %v", len(got), err)
	}
	if _, err := decodeBinary("%%%"); err == nil {
		t.Fatal("decodeBinary accepted %%%")
	}
}

func TestSafeName(t *testing.T) {
	for name, ok := range map[string]bool{
		"exec": true, "bin/function": true, "a/../b": true,
		"../x": false, "/etc/passwd": false, "a/../../x": false, "..": false, `..\x`: false,
	} {
		if _, err := safeName(name); (err == nil) != ok {
			t.Errorf("safeName(%q) error = %v, want ok=%v", name, err, ok)
		}
	}
}

func zipOf(t *testing.T, files map[string]os.FileMode) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, mode := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("#!/bin/sh\n"))
	}
	zw.Close()
	return buf.Bytes()
}

func TestSaveActionFindsTheExecutable(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]os.FileMode
		want  string
	}{
		{"exec wins", map[string]os.FileMode{"exec": 0o644, "other": 0o755}, "exec"},
		{"bin/function", map[string]os.FileMode{"bin/function": 0o755, "index.js": 0o644}, "bin/function"},
		{"the only executable", map[string]os.FileMode{"hello": 0o755, "README": 0o644}, "hello"},
	} {
		exe, _, err := saveAction(t.TempDir(), zipOf(t, c.files))
		if err != nil || !strings.HasSuffix(exe, string(filepath.Separator)+filepath.FromSlash(c.want)) {
			t.Errorf("%s: saveAction = %q, %v", c.name, exe, err)
			continue
		}
		if st, _ := os.Stat(exe); st.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v, want 0700", c.name, st.Mode().Perm())
		}
	}
	if _, _, err := saveAction(t.TempDir(), zipOf(t, map[string]os.FileMode{"a": 0o755, "b": 0o755})); err == nil {
		t.Error("two executables and no exec: want an error")
	}
	if _, _, err := saveAction(t.TempDir(), zipOf(t, map[string]os.FileMode{"../evil": 0o755})); err == nil {
		t.Error("an escaping entry: want an error")
	}
}

func TestExportEnv(t *testing.T) {
	exportEnv(map[string]json.RawMessage{
		"T_STRING": json.RawMessage(`"xyz"`), "T_NUMBER": json.RawMessage(`3`), "T_BOOL": json.RawMessage(`true`),
		"T_NULL": json.RawMessage(`null`), "T_ARRAY": json.RawMessage(`[ "a", "b" ]`), "T_OBJECT": json.RawMessage(`{"a": "A"}`),
	})
	for k, want := range map[string]string{
		"T_STRING": "xyz", "T_NUMBER": "3", "T_BOOL": "true", "T_NULL": "", "T_ARRAY": `["a","b"]`, "T_OBJECT": `{"a":"A"}`,
	} {
		if got := os.Getenv(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

func TestIsObjectOrArray(t *testing.T) {
	for in, want := range map[string]bool{`{}`: true, ` [1] `: true, `"s"`: false, `3`: false, `{`: false, ``: false, `null`: false} {
		if got := isObjectOrArray([]byte(in)); got != want {
			t.Errorf("isObjectOrArray(%q) = %v", in, got)
		}
	}
}
