package handoff

import (
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
)

// goarchMachine maps GOARCH to the ELF machine execve accepts here.
var goarchMachine = map[string]elf.Machine{
	"amd64":   elf.EM_X86_64,
	"arm64":   elf.EM_AARCH64,
	"386":     elf.EM_386,
	"arm":     elf.EM_ARM,
	"riscv64": elf.EM_RISCV,
	"ppc64le": elf.EM_PPC64,
	"s390x":   elf.EM_S390,
	"loong64": elf.EM_LOONGARCH,
}

var machineGoarch = func() map[elf.Machine]string {
	m := map[elf.Machine]string{}
	for arch, machine := range goarchMachine {
		m[machine] = arch
	}
	return m
}()

// CheckExecutable says, before anything is handed over, whether execve will
// run path on this machine: a regular, executable, non-empty file that is an
// ELF program for this CPU, whole, or a #! script whose interpreter exists.
func CheckExecutable(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("no binary at %s", path)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	if info.Size() == 0 {
		return fmt.Errorf("%s is empty", path)
	}
	if info.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not executable", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 256)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if bytes.HasPrefix(head, []byte("#!")) {
		line, _, _ := strings.Cut(string(head[2:]), "\n")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			return fmt.Errorf("%s has an empty #! line", path)
		}
		if st, err := os.Stat(fields[0]); err != nil || !st.Mode().IsRegular() {
			return fmt.Errorf("%s needs %s, which is not here", path, fields[0])
		}
		return nil
	}
	if !bytes.HasPrefix(head, []byte(elf.ELFMAG)) {
		return fmt.Errorf("%s is neither an ELF program nor a #! script", path)
	}
	ef, err := elf.NewFile(f)
	if err != nil {
		return fmt.Errorf("%s is not a valid ELF file: %v", path, err)
	}
	want := goarchMachine[runtime.GOARCH]
	if ef.Machine != want {
		built := machineGoarch[ef.Machine]
		if built == "" {
			built = ef.Machine.String()
		}
		return fmt.Errorf("%s was built for %s, this machine is %s: build it with GOOS=linux GOARCH=%s", path, built, runtime.GOARCH, runtime.GOARCH)
	}
	for _, p := range ef.Progs {
		if (p.Type == elf.PT_LOAD || p.Type == elf.PT_INTERP) && int64(p.Off+p.Filesz) > info.Size() {
			return fmt.Errorf("%s is truncated: a segment ends at byte %d of %d", path, p.Off+p.Filesz, info.Size())
		}
		if p.Type == elf.PT_INTERP {
			interp, _ := io.ReadAll(p.Open())
			loader := strings.TrimRight(string(interp), "\x00")
			if _, err := os.Stat(loader); err != nil {
				return fmt.Errorf("%s is dynamically linked against %s, which is not here: build it with CGO_ENABLED=0", path, loader)
			}
		}
	}
	return nil
}
