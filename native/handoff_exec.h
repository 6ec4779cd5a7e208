// The hand-off itself: put the listeners at fds 3.., let the other kept fds
// survive execve, give the new program a clean signal state and blocking
// stdio, and execve. Returns only when execve failed, after undoing every
// change it made.
#pragma once

#include <string>
#include <vector>

namespace nodego {

struct ExecRequest {
  std::string path;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  // Sockets to place at fds 3, 4, ... in this order (systemd socket activation).
  std::vector<int> listeners;
  // Fds that keep their numbers and only lose FD_CLOEXEC. Each must be at or
  // above 3 + listeners.size(), so that placing the listeners cannot hit them.
  std::vector<int> inherit;
  // Free Node's memory beside the new program, not before it (see
  // memory_releaser.h). Only for a program that reaps NODEGO_RELEASER.
  bool releaseMemory = false;
};

struct ExecFailure {
  int error;            // errno of the step that failed
  const char* syscall;  // which step: "execve", "fcntl", "dup2", ...
};

// Requires the calling thread to be the main thread (checked by the caller).
ExecFailure HandOffAndExec(const ExecRequest& request);

// True when the calling thread is the process's main thread.
bool OnMainThread();

}  // namespace nodego
