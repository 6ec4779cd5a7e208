// Every failure nodego reports is a NodegoError: a stable code, a sentence
// that says what is wrong, and a fix the user can act on.

export type NodegoErrorCode =
  | 'NODEGO_E_NO_BINARY' // no file where the Go binary should be
  | 'NODEGO_E_NOT_FILE' // a directory or device, not a regular file
  | 'NODEGO_E_NOT_EXECUTABLE' // no exec permission
  | 'NODEGO_E_EMPTY' // zero bytes
  | 'NODEGO_E_TRUNCATED' // an ELF file cut short
  | 'NODEGO_E_WRONG_ARCH' // ELF for another CPU
  | 'NODEGO_E_WRONG_OS' // Mach-O, PE: built for another OS
  | 'NODEGO_E_BAD_FORMAT' // neither ELF nor a #! script
  | 'NODEGO_E_INTERPRETER' // #! or PT_INTERP names something missing
  | 'NODEGO_E_DYNAMIC' // a Go program linked dynamically (cgo)
  | 'NODEGO_E_RECEIVER' // a request must be answered by a program not built on nodego
  | 'NODEGO_E_PLATFORM' // not Linux
  | 'NODEGO_E_THREAD' // called from a worker thread
  | 'NODEGO_E_ADDON' // the native addon did not load
  | 'NODEGO_E_TIMEOUT' // no quiet point within the time allowed
  | 'NODEGO_E_IN_PROGRESS' // a swap is already under way
  | 'NODEGO_E_OPTIONS' // bad options
  | 'NODEGO_E_STALE' // the binary is older than its sources
  | 'NODEGO_E_EXEC'; // execve itself failed; everything was restored

export class NodegoError extends Error {
  readonly code: NodegoErrorCode;
  /** What to do about it, also the last sentence of the message. */
  readonly fix: string;
  path?: string;
  errno?: number;
  syscall?: string;

  constructor(code: NodegoErrorCode, problem: string, fix: string, extra: { path?: string; cause?: unknown } = {}) {
    super(`nodego: ${problem}: ${fix}`, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'NodegoError';
    this.code = code;
    this.fix = fix;
    if (extra.path !== undefined) this.path = extra.path;
  }
}
