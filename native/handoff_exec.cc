#include "handoff_exec.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "memory_releaser.h"

namespace nodego {
namespace {

// Everything the hand-off changed, so that a failed execve can be undone.
struct Undo {
  sigset_t mask;
  struct sigaction actions[NSIG];
  bool actionChanged[NSIG] = {false};
  std::vector<int> tempCopies;      // CLOEXEC copies of the listeners
  std::vector<int> slotBackup;      // what was at 3+i before, or -1 when free
  std::vector<int> slotFlags;       // its FD_CLOEXEC flag
  std::vector<int> slotsPlaced;     // slots we dup2'ed into
  std::vector<int> inheritCleared;  // fds whose FD_CLOEXEC we cleared
  int stdioStatus[3] = {-1, -1, -1}; // F_GETFL before, when O_NONBLOCK was cleared
  int stdioFdFlags[3] = {-1, -1, -1}; // F_GETFD before, when FD_CLOEXEC was cleared
};

// Why every disposition goes to SIG_DFL before any fd moves: a signal handler
// running on another thread in the window (libuv's writes to its signal pipe)
// must not touch an fd number that briefly holds a client socket. SIG_IGN must
// go too, because it survives execve (Node ignores SIGPIPE and SIGXFSZ).
void ResetDispositions(Undo* undo) {
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    if (sigaction(sig, nullptr, &undo->actions[sig]) != 0) continue;
    if (undo->actions[sig].sa_handler == SIG_DFL) continue;
    // glibc's internal signals refuse to change; they are not ours to reset.
    if (sigaction(sig, &dfl, nullptr) == 0) undo->actionChanged[sig] = true;
  }
}

void RestoreDispositions(const Undo& undo) {
  for (int sig = 1; sig < NSIG; sig++) {
    if (undo.actionChanged[sig]) sigaction(sig, &undo.actions[sig], nullptr);
  }
}

void RestoreFds(const Undo& undo) {
  for (int fd : undo.inheritCleared) {
    const int flags = fcntl(fd, F_GETFD);
    if (flags >= 0) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
  for (size_t i = 0; i < undo.slotsPlaced.size(); i++) {
    const int slot = undo.slotsPlaced[i];
    if (undo.slotBackup[i] >= 0) {
      dup2(undo.slotBackup[i], slot);
      fcntl(slot, F_SETFD, undo.slotFlags[i]);
    } else {
      close(slot);
    }
  }
  for (int fd : undo.slotBackup) {
    if (fd >= 0) close(fd);
  }
  for (int fd : undo.tempCopies) close(fd);
}

void RestoreStdio(const Undo& undo) {
  for (int fd = 0; fd < 3; fd++) {
    if (undo.stdioStatus[fd] >= 0) fcntl(fd, F_SETFL, undo.stdioStatus[fd]);
    if (undo.stdioFdFlags[fd] >= 0) fcntl(fd, F_SETFD, undo.stdioFdFlags[fd]);
  }
}

// Node opens 0-2 close-on-exec and libuv may have made them non-blocking; the
// new program (and its children) need them open and blocking.
void PrepareStdio(Undo* undo) {
  for (int fd = 0; fd < 3; fd++) {
    const int fdFlags = fcntl(fd, F_GETFD);
    if (fdFlags >= 0 && (fdFlags & FD_CLOEXEC) != 0 && fcntl(fd, F_SETFD, fdFlags & ~FD_CLOEXEC) == 0) {
      undo->stdioFdFlags[fd] = fdFlags;
    }
    const int status = fcntl(fd, F_GETFL);
    if (status >= 0 && (status & O_NONBLOCK) != 0 && fcntl(fd, F_SETFL, status & ~O_NONBLOCK) == 0) {
      undo->stdioStatus[fd] = status;
    }
  }
}

std::vector<char*> CStrings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

ExecFailure Fail(Undo* undo, int error, const char* syscall) {
  // Block everything while fds and dispositions go back, then reopen the mask.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, nullptr);
  RestoreStdio(*undo);
  RestoreFds(*undo);
  RestoreDispositions(*undo);
  pthread_sigmask(SIG_SETMASK, &undo->mask, nullptr);
  // A child that exited in the window had its SIGCHLD discarded under
  // SIG_DFL; let libuv look for exited children again.
  if (undo->actionChanged[SIGCHLD]) kill(getpid(), SIGCHLD);
  return ExecFailure{error, syscall};
}

}  // namespace

bool OnMainThread() { return syscall(SYS_gettid) == getpid(); }

ExecFailure HandOffAndExec(const ExecRequest& request) {
  const int slotCount = static_cast<int>(request.listeners.size());
  const int firstFree = 3 + slotCount;  // temporaries go at or above this
  for (int fd : request.listeners) {
    if (fcntl(fd, F_GETFD) < 0) return ExecFailure{errno, "fcntl"};
  }
  for (int fd : request.inherit) {
    if (fcntl(fd, F_GETFD) < 0) return ExecFailure{errno, "fcntl"};
    if (fd < firstFree) return ExecFailure{EINVAL, "inherit"};
  }
  std::vector<char*> argv = CStrings(request.argv);
  std::vector<std::string> env = request.env;

  Undo undo;
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &undo.mask);
  ResetDispositions(&undo);

  for (int fd : request.listeners) {
    const int copy = fcntl(fd, F_DUPFD_CLOEXEC, firstFree);
    if (copy < 0) return Fail(&undo, errno, "fcntl");
    undo.tempCopies.push_back(copy);
  }
  for (int i = 0; i < slotCount; i++) {
    const int slot = 3 + i;
    const int flags = fcntl(slot, F_GETFD);
    int backup = -1;
    if (flags >= 0) {
      backup = fcntl(slot, F_DUPFD_CLOEXEC, firstFree);
      if (backup < 0) return Fail(&undo, errno, "fcntl");
    }
    // dup2 gives the new fd no FD_CLOEXEC: exactly what execve must keep.
    if (dup2(undo.tempCopies[i], slot) < 0) {
      const int error = errno;
      if (backup >= 0) close(backup);
      return Fail(&undo, error, "dup2");
    }
    undo.slotsPlaced.push_back(slot);
    undo.slotBackup.push_back(backup);
    undo.slotFlags.push_back(flags);
  }
  for (int fd : request.inherit) {
    const int flags = fcntl(fd, F_GETFD);
    if ((flags & FD_CLOEXEC) == 0) continue;
    if (fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) != 0) return Fail(&undo, errno, "fcntl");
    undo.inheritCleared.push_back(fd);
  }
  PrepareStdio(&undo);

  // Cloned with every signal blocked, so no Node handler ever runs in it.
  MemoryReleaser releaser;
  if (request.releaseMemory && StartMemoryReleaser(&releaser)) {
    env.push_back("NODEGO_RELEASER=" + std::to_string(releaser.pid));
  }
  std::vector<char*> envp = CStrings(env);

  // The new program inherits this thread's mask: hand it an empty one.
  sigset_t none;
  sigemptyset(&none);
  pthread_sigmask(SIG_SETMASK, &none, nullptr);
  execve(request.path.c_str(), argv.data(), envp.data());
  const int error = errno;
  StopMemoryReleaser(&releaser);
  return Fail(&undo, error, "execve");
}

}  // namespace nodego
