#include "memory_releaser.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>

#ifndef SYS_close_range
#define SYS_close_range 436  // the same number on every Linux architecture
#endif

namespace nodego {
namespace {

constexpr size_t kStackSize = 64 * 1024;
// How long after execve the teardown waits: a Go program starts and answers
// in a few milliseconds; Node's memory is back well within this plus the
// teardown itself.
constexpr long kTeardownDelayMs = 20;

// Shared with the helper through the address space they share. One swap at a
// time (main thread only), so static storage is enough.
struct Shared {
  int readEnd = -1;
  std::atomic<int> ready{0};
  // Set before StopMemoryReleaser closes the pipe: execve failed, Node goes
  // on, and there is nothing to wait for. After a successful execve this
  // memory is the old address space, where it stays 0.
  std::atomic<int> abandoned{0};
};
Shared shared;

long Futex(std::atomic<int>* word, int op, int value, const struct timespec* timeout) {
  return syscall(SYS_futex, reinterpret_cast<int*>(word), op, value, timeout, nullptr, 0);
}

// The helper. It runs on Node's memory with the main thread's TLS (CLONE_VM
// without CLONE_SETTLS), so it only makes system calls, and with every signal
// blocked (the mask it was cloned with).
int HelperMain(void*) {
  const unsigned readEnd = static_cast<unsigned>(shared.readEnd);
  // Its fd table is a copy of Node's: holding those copies would keep a
  // socket open after the Go process closes it. Keep only the pipe.
  syscall(SYS_close_range, 0u, readEnd - 1, 0u);
  syscall(SYS_close_range, readEnd + 1, ~0u, 0u);
  shared.ready.store(1);
  Futex(&shared.ready, FUTEX_WAKE_PRIVATE, 1, nullptr);
  // EOF once the write end is gone: closed by execve (close-on-exec, after
  // the address space was switched) or by StopMemoryReleaser.
  char byte;
  while (read(static_cast<int>(readEnd), &byte, 1) < 0 && errno == EINTR) {
  }
  if (shared.abandoned.load() != 0) return 0;  // Node's memory is still Node's
  // Let the new program start and answer first, then free at normal
  // priority: a lower one (SCHED_IDLE) could hold Node's memory for seconds
  // under load, where an instance near its memory limit needs it back.
  struct timespec pause = {0, kTeardownDelayMs * 1000 * 1000};
  while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {
  }
  return 0;  // the exit that drops the last reference: the teardown
}

}  // namespace

bool StartMemoryReleaser(MemoryReleaser* releaser) {
  // The helper cannot drop its fd copies without close_range (Linux 5.9).
  if (syscall(SYS_close_range, ~0u, ~0u, 0u) != 0) return false;
  int pipeFds[2];
  if (pipe2(pipeFds, O_CLOEXEC) != 0) return false;
  void* stack = mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) {
    close(pipeFds[0]);
    close(pipeFds[1]);
    return false;
  }
  shared.readEnd = pipeFds[0];
  shared.ready.store(0);
  shared.abandoned.store(0);
  // exit signal 0: no SIGCHLD; the new program reaps it with __WALL.
  const pid_t pid = clone(HelperMain, static_cast<char*>(stack) + kStackSize, CLONE_VM, nullptr);
  close(pipeFds[0]);
  if (pid < 0) {
    close(pipeFds[1]);
    munmap(stack, kStackSize);
    return false;
  }
  releaser->pid = pid;
  releaser->release = pipeFds[1];
  releaser->stack = stack;
  // Wait (bounded) until it holds no copy of Node's fds.
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  while (shared.ready.load() == 0) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    const long elapsedMs = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
    if (elapsedMs >= 1000) {
      StopMemoryReleaser(releaser);
      return false;
    }
    const struct timespec slice = {0, 10 * 1000 * 1000};
    Futex(&shared.ready, FUTEX_WAIT_PRIVATE, 0, &slice);
  }
  return true;
}

void StopMemoryReleaser(MemoryReleaser* releaser) {
  if (releaser->pid < 0) return;
  shared.abandoned.store(1);
  close(releaser->release);
  while (waitpid(releaser->pid, nullptr, __WALL) < 0 && errno == EINTR) {
  }
  munmap(releaser->stack, kStackSize);
  *releaser = MemoryReleaser{};
}

}  // namespace nodego
