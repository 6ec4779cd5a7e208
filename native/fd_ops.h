// Small fd operations the loader needs before a hand-off: which fds are open
// (the planner puts new ones on the lowest free numbers), copies above a
// floor (so placing listeners at 3.. cannot hit them), in-memory files that
// carry a pending request's bytes to the new program, and O_NONBLOCK of
// stdio (a non-blocking pipe may hold bytes Node has not written yet).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nodego {

// Every open fd, ascending, without the one used to list them.
std::vector<int> ListOpenFds();

// 1 when fd has O_NONBLOCK, 0 when not, -1 when it is not open.
int IsNonBlocking(int fd);

// A close-on-exec copy of fd at the lowest free number >= minFd, or -1.
int DupAbove(int fd, int minFd);

// A close-on-exec memfd at >= minFd holding data, offset 0, or -1 (errno set).
int MemfdWithData(const char* name, const uint8_t* data, size_t length, int minFd);

}  // namespace nodego
