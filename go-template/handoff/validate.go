package handoff

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
)

// The codes of a BinaryError: the NODEGO_E_* codes the Node side
// (src/binary.ts) gives for the same file. testdata/binary-cases.json holds
// the rules both follow, case by case.
const (
	CodeNoBinary      = "NODEGO_E_NO_BINARY"
	CodeNotFile       = "NODEGO_E_NOT_FILE"
	CodeEmpty         = "NODEGO_E_EMPTY"
	CodeNotExecutable = "NODEGO_E_NOT_EXECUTABLE"
	CodeTruncated     = "NODEGO_E_TRUNCATED"
	CodeWrongArch     = "NODEGO_E_WRONG_ARCH"
	CodeWrongOS       = "NODEGO_E_WRONG_OS"
	CodeBadFormat     = "NODEGO_E_BAD_FORMAT"
	CodeInterpreter   = "NODEGO_E_INTERPRETER"
	CodeDynamic       = "NODEGO_E_DYNAMIC"
	CodeReceiver      = "NODEGO_E_RECEIVER"
)

// BinaryError says why execve would not run a binary here, and what to do.
type BinaryError struct {
	Code    string
	Path    string
	Problem string
	Fix     string
}

func (e *BinaryError) Error() string { return e.Problem + ": " + e.Fix }

func refuse(code, path, fix, format string, args ...any) error {
	return &BinaryError{Code: code, Path: path, Problem: fmt.Sprintf(format, args...), Fix: fix}
}

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
	"mips":    elf.EM_MIPS,
}

func goarchOf(m elf.Machine) string {
	for arch, machine := range goarchMachine {
		if machine == m {
			return arch
		}
	}
	return m.String()
}

// CheckExecutable says, before anything is handed over, whether execve will
// run path on this machine: a regular, executable, non-empty file that is an
// ELF program for this CPU, whole, whose dynamic loader (if any) exists, or
// a #! script whose interpreter is an absolute path to a program. A refusal
// is a *BinaryError.
func CheckExecutable(path string) error {
	build := fmt.Sprintf("build it with GOOS=linux GOARCH=%s CGO_ENABLED=0", runtime.GOARCH)
	info, err := os.Stat(path)
	if err != nil {
		return refuse(CodeNoBinary, path, build, "no binary at %s", path)
	}
	if !info.Mode().IsRegular() {
		return refuse(CodeNotFile, path, build, "%s is not a regular file", path)
	}
	if info.Size() == 0 {
		return refuse(CodeEmpty, path, build+" again", "%s is empty", path)
	}
	if info.Mode().Perm()&0o111 == 0 {
		return refuse(CodeNotExecutable, path, "chmod +x it (zip tools often drop the bit)", "%s is not executable", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return refuse(CodeNotExecutable, path, "check its permissions", "%s cannot be read: %v", path, err)
	}
	defer f.Close()
	head := make([]byte, 256)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if bytes.HasPrefix(head, []byte("#!")) {
		return checkScript(path, head)
	}
	if !bytes.HasPrefix(head, []byte(elf.ELFMAG)) {
		if os := foreignOS(head); os != "" {
			return refuse(CodeWrongOS, path, build, "%s was built for %s, this machine runs Linux", path, os)
		}
		return refuse(CodeBadFormat, path, build+", or start a script with #!", "%s is neither an ELF program nor a #! script", path)
	}
	return checkELF(f, path, info.Size(), build)
}

func checkScript(path string, head []byte) error {
	line, _, _ := strings.Cut(string(head[2:]), "\n")
	fields := strings.Fields(line)
	fix := "make its #! line name an absolute path to an installed interpreter"
	if len(fields) == 0 || !strings.HasPrefix(fields[0], "/") {
		return refuse(CodeInterpreter, path, fix, "%s starts with #!%s, which names no absolute path", path, line)
	}
	st, err := os.Stat(fields[0])
	if err != nil || !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
		return refuse(CodeInterpreter, path, fix, "%s needs %s, which is not a program here", path, fields[0])
	}
	return nil
}

func foreignOS(head []byte) string {
	if len(head) >= 4 {
		switch binary.BigEndian.Uint32(head) {
		case 0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe:
			return "macOS"
		}
	}
	if bytes.HasPrefix(head, []byte("MZ")) {
		return "Windows"
	}
	return ""
}

// checkELF reads just enough ELF to know what execve would refuse, or what
// would crash on start: the header, the program headers, each segment's
// extent, the CPU and the dynamic loader (the same reading as src/elf.ts).
func checkELF(f *os.File, path string, size int64, build string) error {
	truncated := func(format string, args ...any) error {
		return refuse(CodeTruncated, path, build+" again and copy it whole", "%s is a truncated ELF file (%s)", path, fmt.Sprintf(format, args...))
	}
	ident := make([]byte, 64)
	n, _ := f.ReadAt(ident, 0)
	ident = ident[:n]
	if len(ident) < 6 {
		return truncated("the ELF header needs 52 or 64 bytes, the file has %d", size)
	}
	bits := map[byte]int{1: 32, 2: 64}[ident[4]]
	headerSize := 52
	if bits == 64 {
		headerSize = 64
	}
	if bits == 0 || len(ident) < headerSize {
		return truncated("the ELF header needs %d bytes, the file has %d", headerSize, size)
	}
	var order binary.ByteOrder = binary.LittleEndian
	if ident[5] == 2 {
		order = binary.BigEndian
	}
	word := func(b []byte, o int) int64 {
		if bits == 64 {
			return int64(order.Uint64(b[o:]))
		}
		return int64(order.Uint32(b[o:]))
	}
	at := func(o64, o32 int) int {
		if bits == 64 {
			return o64
		}
		return o32
	}
	machine := elf.Machine(order.Uint16(ident[18:]))
	phoff, shoff := word(ident, at(32, 28)), word(ident, at(40, 32))
	phentsize, phnum := int64(order.Uint16(ident[at(54, 42):])), int64(order.Uint16(ident[at(56, 44):]))
	shentsize, shnum := int64(order.Uint16(ident[at(58, 46):])), int64(order.Uint16(ident[at(60, 48):]))
	if entry := int64(at(56, 32)); phnum > 0 && phentsize < entry {
		return refuse(CodeBadFormat, path, build, "%s is not a valid ELF program: its program headers are %d bytes, ELF%d needs %d", path, phentsize, bits, entry)
	}
	if end := phoff + phnum*phentsize; end > size {
		return truncated("its program headers end at byte %d, the file has %d", end, size)
	}
	if end := shoff + shnum*shentsize; shnum > 0 && end > size {
		return truncated("its section headers end at byte %d, the file has %d", end, size)
	}
	table := make([]byte, phnum*phentsize)
	f.ReadAt(table, phoff)
	loader := ""
	for i := int64(0); i < phnum; i++ {
		p := table[i*phentsize:]
		kind := elf.ProgType(order.Uint32(p))
		offset, filesz := word(p, at(8, 4)), word(p, at(32, 16))
		if (kind == elf.PT_LOAD || kind == elf.PT_INTERP) && offset+filesz > size {
			return truncated("a segment ends at byte %d, the file has %d", offset+filesz, size)
		}
		if kind == elf.PT_INTERP {
			interp := make([]byte, filesz)
			f.ReadAt(interp, offset)
			loader, _, _ = strings.Cut(string(interp), "\x00")
		}
	}
	if want := goarchMachine[runtime.GOARCH]; machine != want {
		return refuse(CodeWrongArch, path, build, "%s was built for %s, this machine is %s", path, goarchOf(machine), runtime.GOARCH)
	}
	if loader != "" {
		if _, err := os.Stat(loader); err != nil {
			return refuse(CodeInterpreter, path, "build it static with CGO_ENABLED=0", "%s is dynamically linked against %s, which is not here", path, loader)
		}
		if _, err := buildinfo.Read(f); err == nil {
			return refuse(CodeDynamic, path, "build it static with CGO_ENABLED=0", "%s is a Go program linked dynamically (cgo), against %s: the libraries it needs may not be those of the platform", path, loader)
		}
	}
	return nil
}

// NodegoModule is the module of nodego's Go runtime.
const NodegoModule = "github.com/nodego/nodego"

// CheckReceiver says whether path can be handed connections and a request
// to answer: a Go program built on nodego's runtime (its build information
// names the module). Any other program can take listeners alone.
func CheckReceiver(path string) error {
	info, err := buildinfo.ReadFile(path)
	if err == nil {
		if info.Main.Path == NodegoModule {
			return nil
		}
		for _, dep := range info.Deps {
			if dep.Path == NodegoModule {
				return nil
			}
		}
	}
	return refuse(CodeReceiver, path, "serve it with github.com/nodego/nodego", "%s is not built on nodego's Go runtime, so it cannot answer the request that asked for the replacement", path)
}
