// Describes the open file descriptors of this process: which are sockets,
// which of those listen, their addresses, and their close-on-exec and
// non-blocking flags.
#pragma once

#include <string>
#include <vector>

namespace nodego {

struct FdDescription {
  int fd = -1;
  std::string kind;  // "socket", "file", "pipe", "directory", "char", "other"
  bool cloexec = false;
  bool nonblock = false;
  // Only for kind == "socket".
  bool listening = false;
  std::string family;    // "inet", "inet6", "unix", "other"
  std::string sockType;  // "stream", "dgram", "seqpacket", "other"
  std::string local;     // "127.0.0.1:8080", "[::1]:8080", "/path", "@abstract", ""
  std::string peer;      // same forms; "" when not connected
};

// Fills *out for fd; returns false (errno set) when fd is not open.
bool DescribeFd(int fd, FdDescription* out);

// The numbers of every fd open in this process, ascending.
std::vector<int> ListOpenFds();

}  // namespace nodego
