#include "exec_fix.h"

#include <cerrno>

namespace nodego {

const char* ExecFix(int error) {
  switch (error) {
    case E2BIG:
      return "the arguments and environment are over the kernel limit (128 KiB a string): pass large data in a file instead";
    case ETXTBSY:
      return "the binary is open for writing (a build still running?): wait for it to finish and retry";
    case EACCES:
      return "it is not executable here: check its mode and that its file system is not mounted noexec";
    case ENOEXEC:
      return "the kernel does not recognise the format: run `nodego build` for this machine";
    case ENOENT:
      return "it (or its #! interpreter or dynamic loader) is gone: run `nodego build`";
    case ENOMEM:
      return "the machine is out of memory: give the function more memory";
    case EMFILE:
    case ENFILE:
      return "the process is out of file descriptors: raise its limit (ulimit -n) or close unused files";
    default:
      return "see `man 2 execve` for this error, and `nodego doctor` for the set-up";
  }
}

}  // namespace nodego
