package openwhisk

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// maxUnzipped bounds what a zip may expand to (the request is at most 48 MB).
const maxUnzipped = 1 << 30

// decodeBinary accepts base64 as `base64` prints it, with line breaks.
func decodeBinary(code string) ([]byte, error) {
	if !strings.ContainsAny(code, "\n\r \t") {
		return base64.StdEncoding.DecodeString(code)
	}
	clean := make([]byte, 0, len(code))
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '\n', '\r', ' ', '\t':
		default:
			clean = append(clean, c)
		}
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
	n, err := base64.StdEncoding.Decode(out, clean)
	return out[:n], err
}

// saveAction writes the action (an executable, or a zip holding one) into a
// fresh directory under base, and returns the executable's path and the
// directory. On failure the directory is gone already.
func saveAction(base string, data []byte) (exe, dir string, err error) {
	if err := os.MkdirAll(base, 0o700); err != nil {
		return "", "", err
	}
	if dir, err = os.MkdirTemp(base, "action-"); err != nil {
		return "", "", err
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		exe, err = unzipAction(dir, data)
	} else {
		exe = filepath.Join(dir, "exec")
		err = os.WriteFile(exe, data, 0o700)
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", "", err
	}
	return exe, dir, nil
}

func unzipAction(dir string, data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("the zip cannot be read: %v", err)
	}
	// What the zip says it expands to, checked before anything is written
	// (extract checks what it really does).
	var declared uint64
	for _, f := range zr.File {
		declared += f.UncompressedSize64
	}
	if declared > maxUnzipped {
		return "", fmt.Errorf("the zip expands to %d bytes, over the 1 GiB an action may have", declared)
	}
	var total int64
	var rootExecutables []string
	for _, f := range zr.File {
		name, err := safeName(f.Name)
		if err != nil {
			return "", err
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(target, 0o700); err != nil {
				return "", err
			}
			continue
		}
		if !f.Mode().IsRegular() {
			return "", fmt.Errorf("the zip entry %q is not a regular file (links are refused)", f.Name)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return "", err
		}
		mode := os.FileMode(0o600)
		if f.Mode().Perm()&0o111 != 0 || name == "exec" {
			mode = 0o700
		}
		n, err := extract(f, target, mode, maxUnzipped-total)
		if err != nil {
			return "", err
		}
		total += n
		if mode == 0o700 && !strings.Contains(name, "/") {
			rootExecutables = append(rootExecutables, name)
		}
	}
	for _, candidate := range []string{"exec", "bin/function"} {
		if st, err := os.Stat(filepath.Join(dir, candidate)); err == nil && st.Mode().IsRegular() {
			p := filepath.Join(dir, candidate)
			return p, os.Chmod(p, 0o700)
		}
	}
	if len(rootExecutables) == 1 {
		return filepath.Join(dir, rootExecutables[0]), nil
	}
	return "", errors.New("the zip holds no executable: put it at the root, named exec")
}

// safeName refuses names that would land outside the action's directory.
func safeName(name string) (string, error) {
	clean := path.Clean(strings.ReplaceAll(name, "\\", "/"))
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || clean == "." {
		return "", fmt.Errorf("the zip entry %q points outside the action's directory", name)
	}
	return clean, nil
}

func extract(f *zip.File, target string, mode os.FileMode, budget int64) (int64, error) {
	in, err := f.Open()
	if err != nil {
		return 0, fmt.Errorf("the zip entry %q: %v", f.Name, err)
	}
	defer in.Close()
	out, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, io.LimitReader(in, budget+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("the zip entry %q: %v", f.Name, err)
	}
	if n > budget {
		return n, errors.New("the zip expands to more than 1 GiB")
	}
	return n, nil
}
