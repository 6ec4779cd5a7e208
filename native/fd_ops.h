// Small fd operations the loader needs before a hand-off: copies above a
// floor (so placing listeners at 3.. cannot hit them) and in-memory files
// that carry a pending request's bytes to the new program.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nodego {

// A close-on-exec copy of fd at the lowest free number >= minFd, or -1.
int DupAbove(int fd, int minFd);

// A close-on-exec memfd at >= minFd holding data, offset 0, or -1 (errno set).
int MemfdWithData(const char* name, const uint8_t* data, size_t length, int minFd);

}  // namespace nodego
