#include "fd_describe.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace nodego {
namespace {

std::string FormatAddress(const sockaddr_storage& ss, socklen_t len) {
  char buf[INET6_ADDRSTRLEN] = {0};
  switch (ss.ss_family) {
    case AF_INET: {
      const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
      inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
      return std::string(buf) + ":" + std::to_string(ntohs(in->sin_port));
    }
    case AF_INET6: {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
      inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
      return "[" + std::string(buf) + "]:" + std::to_string(ntohs(in6->sin6_port));
    }
    case AF_UNIX: {
      const auto* un = reinterpret_cast<const sockaddr_un*>(&ss);
      const size_t pathLen = len > offsetof(sockaddr_un, sun_path)
                                 ? len - offsetof(sockaddr_un, sun_path)
                                 : 0;
      if (pathLen == 0) return "";
      // Abstract sockets start with a NUL byte; show them as "@name".
      if (un->sun_path[0] == '\0') return "@" + std::string(un->sun_path + 1, pathLen - 1);
      return std::string(un->sun_path, strnlen(un->sun_path, pathLen));
    }
    default:
      return "";
  }
}

const char* FamilyName(int family) {
  switch (family) {
    case AF_INET: return "inet";
    case AF_INET6: return "inet6";
    case AF_UNIX: return "unix";
    default: return "other";
  }
}

const char* SockTypeName(int type) {
  switch (type) {
    case SOCK_STREAM: return "stream";
    case SOCK_DGRAM: return "dgram";
    case SOCK_SEQPACKET: return "seqpacket";
    default: return "other";
  }
}

int GetIntOption(int fd, int option) {
  int value = 0;
  socklen_t len = sizeof value;
  if (getsockopt(fd, SOL_SOCKET, option, &value, &len) != 0) return -1;
  return value;
}

void DescribeSocket(int fd, FdDescription* out) {
  out->listening = GetIntOption(fd, SO_ACCEPTCONN) == 1;
  out->family = FamilyName(GetIntOption(fd, SO_DOMAIN));
  out->sockType = SockTypeName(GetIntOption(fd, SO_TYPE));
  sockaddr_storage ss;
  socklen_t len = sizeof ss;
  memset(&ss, 0, sizeof ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) out->local = FormatAddress(ss, len);
  len = sizeof ss;
  memset(&ss, 0, sizeof ss);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) out->peer = FormatAddress(ss, len);
}

}  // namespace

bool DescribeFd(int fd, FdDescription* out) {
  const int fdFlags = fcntl(fd, F_GETFD);
  if (fdFlags < 0) return false;
  const int statusFlags = fcntl(fd, F_GETFL);
  struct stat st;
  if (fstat(fd, &st) != 0) return false;
  out->fd = fd;
  out->cloexec = (fdFlags & FD_CLOEXEC) != 0;
  out->nonblock = statusFlags >= 0 && (statusFlags & O_NONBLOCK) != 0;
  if (S_ISSOCK(st.st_mode)) {
    out->kind = "socket";
    DescribeSocket(fd, out);
  } else if (S_ISREG(st.st_mode)) {
    out->kind = "file";
  } else if (S_ISFIFO(st.st_mode)) {
    out->kind = "pipe";
  } else if (S_ISDIR(st.st_mode)) {
    out->kind = "directory";
  } else if (S_ISCHR(st.st_mode)) {
    out->kind = "char";
  } else {
    out->kind = "other";
  }
  return true;
}

std::vector<int> ListOpenFds() {
  std::vector<int> fds;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return fds;
  const int own = dirfd(dir);
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    const int fd = atoi(entry->d_name);
    if (fd != own) fds.push_back(fd);
  }
  closedir(dir);
  std::sort(fds.begin(), fds.end());
  return fds;
}

}  // namespace nodego
