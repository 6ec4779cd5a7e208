// The swap's fast path for checking the Go binary: what src/binary.ts reads
// of a well-formed executable ELF file (its machine, its loader, its Go build
// information), in one call and without JavaScript's cold first calls, which
// cost milliseconds of an idle swap. Anything not well formed (not a regular
// executable file, not ELF, truncated, malformed) is not judged here: the
// caller falls back to src/binary.ts, which says what is wrong.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace nodego {

struct ExecutableFacts {
  int machine = 0;          // e_machine
  std::string interpreter;  // PT_INTERP, empty when static
  bool isGo = false;        // has Go build information (Go 1.18+)
  std::string goVersion;
  std::vector<std::string> modules;  // the main module and dependencies
};

// Facts of a file that passes every structural check src/elf.ts makes, or
// nothing (then ask src/binary.ts why).
std::optional<ExecutableFacts> ReadExecutableFacts(const std::string& path);

}  // namespace nodego
