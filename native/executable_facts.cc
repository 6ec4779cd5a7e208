#include "executable_facts.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <algorithm>
#include <cstring>

namespace nodego {
namespace {

constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPtInterp = 3;
constexpr size_t kMaxSection = 1 << 20;  // as src/elf.ts: sections are read up to 1 MiB

class File {
 public:
  explicit File(int fd) : fd_(fd) {}
  ~File() { close(fd_); }
  // Exactly length bytes at offset into out, or false.
  bool ReadAt(uint64_t offset, size_t length, std::string* out) const {
    out->resize(length);
    size_t done = 0;
    while (done < length) {
      const ssize_t n = pread(fd_, &(*out)[done], length - done, static_cast<off_t>(offset + done));
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

 private:
  int fd_;
};

struct Endian {
  bool little;
  uint64_t Get(const std::string& b, size_t at, int bytes) const {
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) {
      const uint64_t byte = static_cast<unsigned char>(b[at + (little ? i : bytes - 1 - i)]);
      v |= byte << (8 * i);
    }
    return v;
  }
};

// a + b * c > limit, without overflow.
bool Past(uint64_t a, uint64_t b, uint64_t c, uint64_t limit) {
  if (c != 0 && b > (UINT64_MAX - a) / c) return true;
  return a + b * c > limit;
}

bool Uvarint(const std::string& b, size_t* at, uint64_t* value) {
  *value = 0;
  for (int shift = 0; *at < b.size() && shift < 35; shift += 7) {
    const unsigned char c = static_cast<unsigned char>(b[(*at)++]);
    *value |= static_cast<uint64_t>(c & 0x7f) << shift;
    if ((c & 0x80) == 0) return true;
  }
  return false;
}

// The text of .go.buildinfo as src/go-buildinfo.ts reads it. False for what
// that reader would clamp (lengths past the section): src/binary.ts decides.
bool ReadBuildInfo(const std::string& section, ExecutableFacts* facts) {
  static const char kMagic[] = "\xff Go buildinf:";
  if (section.size() < 32 || section.compare(0, 14, kMagic, 14) != 0) return true;
  if ((static_cast<unsigned char>(section[15]) & 0x2) == 0) return true;  // before Go 1.18
  size_t at = 32;
  uint64_t versionLength, infoLength;
  if (!Uvarint(section, &at, &versionLength)) return true;
  if (versionLength > section.size() - at) return false;
  facts->goVersion = section.substr(at, versionLength);
  at += versionLength;
  if (!Uvarint(section, &at, &infoLength)) return true;
  facts->isGo = true;
  if (infoLength < 33) return true;
  if (infoLength > section.size() - at) return false;
  const std::string text = section.substr(at + 16, infoLength - 32);
  size_t line = 0;
  while (line < text.size()) {
    size_t next = text.find('\n', line);
    if (next == std::string::npos) next = text.size();
    const std::string l = text.substr(line, next - line);
    if (l.rfind("mod\t", 0) == 0 || l.rfind("dep\t", 0) == 0) {
      const size_t tab = l.find('\t', 4);
      const std::string module = l.substr(4, tab == std::string::npos ? std::string::npos : tab - 4);
      if (!module.empty()) facts->modules.push_back(module);
    }
    line = next + 1;
  }
  return true;
}

}  // namespace

std::optional<ExecutableFacts> ReadExecutableFacts(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) return std::nullopt;
  if (access(path.c_str(), X_OK) != 0) return std::nullopt;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  File file(fd);
  const uint64_t size = static_cast<uint64_t>(st.st_size);

  std::string ident;
  if (size < 64 || !file.ReadAt(0, 64, &ident) || ident.compare(0, 4, "\x7f" "ELF", 4) != 0) return std::nullopt;
  if (ident[4] != 2 && ident[4] != 1) return std::nullopt;
  const bool is64 = ident[4] == 2;
  const Endian e{ident[5] == 1};
  const int word = is64 ? 8 : 4;
  ExecutableFacts facts;
  facts.machine = static_cast<int>(e.Get(ident, 18, 2));
  const uint64_t phoff = e.Get(ident, is64 ? 32 : 28, word);
  const uint64_t shoff = e.Get(ident, is64 ? 40 : 32, word);
  const uint64_t phentsize = e.Get(ident, is64 ? 54 : 42, 2);
  const uint64_t phnum = e.Get(ident, is64 ? 56 : 44, 2);
  const uint64_t shentsize = e.Get(ident, is64 ? 58 : 46, 2);
  const uint64_t shnum = e.Get(ident, is64 ? 60 : 48, 2);
  const uint64_t shstrndx = e.Get(ident, is64 ? 62 : 50, 2);

  // The checks of src/elf.ts readElf: anything it would call malformed or
  // truncated goes back to it.
  if (phnum > 0 && phentsize < static_cast<uint64_t>(is64 ? 56 : 32)) return std::nullopt;
  if (Past(phoff, phnum, phentsize, size)) return std::nullopt;
  if (shnum > 0 && Past(shoff, shnum, shentsize, size)) return std::nullopt;
  std::string table;
  if (!file.ReadAt(phoff, phnum * phentsize, &table)) return std::nullopt;
  for (uint64_t i = 0; i < phnum; i++) {
    const size_t p = i * phentsize;
    const uint64_t type = e.Get(table, p, 4);
    const uint64_t offset = e.Get(table, is64 ? p + 8 : p + 4, word);
    const uint64_t filesz = e.Get(table, is64 ? p + 32 : p + 16, word);
    if ((type == kPtLoad || type == kPtInterp) && Past(offset, filesz, 1, size)) return std::nullopt;
    if (type == kPtInterp) {
      std::string interp;
      if (!file.ReadAt(offset, filesz, &interp)) return std::nullopt;
      facts.interpreter = interp.substr(0, interp.find('\0'));
    }
  }

  // src/elf.ts sectionNamed(".go.buildinfo"): absent section headers mean no build information.
  if (shnum == 0 || shstrndx >= shnum || shentsize < static_cast<uint64_t>(is64 ? 64 : 40)) return facts;
  // From here a read that src/elf.ts would take short is left to it.
  std::string sections;
  if (!file.ReadAt(shoff, shnum * shentsize, &sections)) return std::nullopt;
  auto extent = [&](uint64_t i, uint64_t* nameAt, uint64_t* offset, uint64_t* length) {
    const size_t p = i * shentsize;
    *nameAt = e.Get(sections, p, 4);
    *offset = e.Get(sections, is64 ? p + 24 : p + 16, word);
    *length = e.Get(sections, is64 ? p + 32 : p + 20, word);
  };
  uint64_t namesAt, namesOffset, namesLength;
  extent(shstrndx, &namesAt, &namesOffset, &namesLength);
  std::string names;
  const size_t namesRead = static_cast<size_t>(std::min<uint64_t>(namesLength, kMaxSection));
  if (Past(namesOffset, namesRead, 1, size) || !file.ReadAt(namesOffset, namesRead, &names)) return std::nullopt;
  static const char kWanted[] = ".go.buildinfo";  // with its NUL
  for (uint64_t i = 0; i < shnum; i++) {
    uint64_t nameAt, offset, length;
    extent(i, &nameAt, &offset, &length);
    if (nameAt >= names.size() || names.compare(nameAt, sizeof kWanted, kWanted, sizeof kWanted) != 0) continue;
    std::string section;
    const size_t read = static_cast<size_t>(std::min<uint64_t>(length, kMaxSection));
    if (Past(offset, read, 1, size) || !file.ReadAt(offset, read, &section)) return std::nullopt;
    if (!ReadBuildInfo(section, &facts)) return std::nullopt;
    break;
  }
  return facts;
}

}  // namespace nodego
