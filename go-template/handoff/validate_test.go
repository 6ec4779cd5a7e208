package handoff

import (
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// binaryCase is one row of testdata/binary-cases.json, which the Node side
// (test/unit/binary-cases.test.ts) checks too.
type binaryCase struct {
	Name string  `json:"name"`
	Make string  `json:"make"`
	Text *string `json:"text"`
	Hex  string  `json:"hex"`
	ELF  *struct {
		Machine     string `json:"machine"`
		Interp      string `json:"interp"`
		LoadPastEnd bool   `json:"loadPastEnd"`
		PhEntSize   int    `json:"phentsize"`
		Cut         int    `json:"cut"`
	} `json:"elf"`
	Mode *int   `json:"mode"`
	Code string `json:"code"`
}

// elfBytes builds the case's ELF exactly as the Node side's test does.
func (c binaryCase) elfBytes() []byte {
	machine := goarchMachine[runtime.GOARCH]
	if c.ELF.Machine == "foreign" {
		machine = elf.EM_AARCH64
		if runtime.GOARCH == "arm64" {
			machine = elf.EM_X86_64
		}
	}
	type seg struct {
		kind      elf.ProgType
		off, size uint64
	}
	load := seg{elf.PT_LOAD, 0, 64}
	if c.ELF.LoadPastEnd {
		load.size = 1 << 20
	}
	segs := []seg{load}
	var tail []byte
	if c.ELF.Interp != "" {
		tail = append([]byte(c.ELF.Interp), 0)
		segs = append(segs, seg{elf.PT_INTERP, uint64(64 + 56*2), uint64(len(tail))})
	}
	phentsize := 56
	if c.ELF.PhEntSize != 0 {
		phentsize = c.ELF.PhEntSize
	}
	out := make([]byte, 64+56*len(segs))
	copy(out, []byte{0x7f, 'E', 'L', 'F', 2, 1, 1})
	le := binary.LittleEndian
	le.PutUint16(out[16:], 2)
	le.PutUint16(out[18:], uint16(machine))
	le.PutUint64(out[32:], 64)
	le.PutUint16(out[54:], uint16(phentsize))
	le.PutUint16(out[56:], uint16(len(segs)))
	for i, s := range segs {
		p := out[64+56*i:]
		le.PutUint32(p, uint32(s.kind))
		le.PutUint64(p[8:], s.off)
		le.PutUint64(p[32:], s.size)
	}
	out = append(out, tail...)
	if c.ELF.Cut > 0 {
		out = out[:c.ELF.Cut]
	}
	return out
}

func TestBinaryCases(t *testing.T) {
	data, err := os.ReadFile("testdata/binary-cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []json.RawMessage }
	if err := json.Unmarshal(data, &file); err != nil || len(file.Cases) < 10 {
		t.Fatalf("binary-cases.json: %v (%d cases)", err, len(file.Cases))
	}
	dir := t.TempDir()
	for i, raw := range file.Cases {
		var c binaryCase
		json.Unmarshal(raw, &c)
		path := filepath.Join(dir, "case"+string(rune('a'+i)))
		mode := os.FileMode(0o755)
		if c.Mode != nil {
			mode = os.FileMode(*c.Mode)
		}
		switch {
		case c.Make == "missing":
		case c.Make == "directory":
			os.Mkdir(path, 0o755)
		case c.Text != nil:
			os.WriteFile(path, []byte(*c.Text), mode)
		case c.Hex != "":
			b, _ := hex.DecodeString(c.Hex)
			os.WriteFile(path, b, mode)
		case c.ELF != nil:
			os.WriteFile(path, c.elfBytes(), mode)
		}
		os.Chmod(path, mode)
		err := CheckExecutable(path)
		got := "ok"
		var be *BinaryError
		if errors.As(err, &be) {
			got = be.Code
		} else if err != nil {
			got = "untyped: " + err.Error()
		}
		if got != c.Code {
			t.Errorf("%s: %s (%v), want %s", c.Name, got, err, c.Code)
		}
	}
}

func TestCheckReceiverAndDynamicGo(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	// This test binary is built from the nodego module itself.
	if err := CheckReceiver(exe); err != nil {
		t.Errorf("a binary of the nodego module: %v", err)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "script")
	os.WriteFile(script, []byte("#!/bin/sh\n"), 0o755)
	var be *BinaryError
	if err := CheckReceiver(script); !errors.As(err, &be) || be.Code != CodeReceiver {
		t.Errorf("a script: %v, want %s", err, CodeReceiver)
	}
}
