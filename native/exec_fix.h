// What a user can do about a failed execve, by errno: the fix sentence of
// the NodegoError the addon throws.
#pragma once

namespace nodego {
const char* ExecFix(int error);
}
