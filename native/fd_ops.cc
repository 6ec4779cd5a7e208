#include "fd_ops.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace nodego {

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

int IsNonBlocking(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return -1;
  return (flags & O_NONBLOCK) != 0 ? 1 : 0;
}

int DupAbove(int fd, int minFd) { return fcntl(fd, F_DUPFD_CLOEXEC, minFd); }

int MemfdWithData(const char* name, const uint8_t* data, size_t length, int minFd) {
  // The raw syscall keeps the addon loadable on glibc older than 2.27.
  const int created = static_cast<int>(syscall(SYS_memfd_create, name, MFD_CLOEXEC));
  if (created < 0) return -1;
  int fd = created;
  if (created < minFd) {
    fd = DupAbove(created, minFd);
    const int error = errno;
    close(created);
    if (fd < 0) {
      errno = error;
      return -1;
    }
  }
  size_t written = 0;
  while (written < length) {
    const ssize_t n = write(fd, data + written, length - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(fd);
      errno = error;
      return -1;
    }
    written += static_cast<size_t>(n);
  }
  if (lseek(fd, 0, SEEK_SET) != 0) {
    const int error = errno;
    close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

}  // namespace nodego
