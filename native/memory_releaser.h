// Takes Node's memory teardown off the swap's path. execve unmaps the old
// address space before the new program runs: for Node that is milliseconds
// of the kernel's time (tens of MB of page tables and pages to free). A helper
// sharing the address space (clone CLONE_VM, no thread, no fds) keeps it
// alive across execve, so execve only drops a reference; the helper exits
// shortly after (once the new program has started) and the teardown happens
// in it, beside the new program instead of before it. The new program reaps the helper (its pid
// travels in NODEGO_RELEASER).
#pragma once

#include <sys/types.h>

namespace nodego {

struct MemoryReleaser {
  pid_t pid = -1;     // the helper, a child of this process
  int release = -1;   // write end of its pipe: closing it (or execve) lets it exit
  void* stack = nullptr;
};

// Starts the helper and waits until it holds no fd but its pipe's read end.
// False when the kernel refuses any step (no close_range, no clone): the swap
// then goes on without one, and nothing is left behind.
bool StartMemoryReleaser(MemoryReleaser* releaser);

// After a failed execve: lets the helper exit and reaps it.
void StopMemoryReleaser(MemoryReleaser* releaser);

}  // namespace nodego
