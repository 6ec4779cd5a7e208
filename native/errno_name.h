// "ENOENT" for ENOENT: the code Node puts on its own system errors.
#pragma once

namespace nodego {
const char* ErrnoName(int error);
}
