// nodego: run Go on a Node.js-only runtime. Requiring this package and
// calling swap() or start() replaces the Node process with the function's Go
// binary by execve(2): same PID, same listening sockets, same keep-alive
// connections. docs/architecture.md maps the files.
import { addon } from './addon.js';
import { followRequests } from './node/request-context.js';
import { warmSwapPathWhenIdle } from './warm-swap-path.js';

// Load the native addon now, off the swap's path (where it would add the
// dlopen to the swap time). Where it cannot load, swap() says why.
try {
  addon();
} catch {
  // reported by swap(), start() and nodego doctor
}
// From here on, every request Node starts is followed: which one a swap()
// is called for, and its body as the client sent it.
followRequests();
// And the swap's code compiled as soon as the process is idle.
warmSwapPathWhenIdle();

export { swap, plan } from './swap.js';
export type { SwapOptions, HandoffPlan, HostKind } from './swap.js';
export { start } from './start.js';
export type { StartOptions } from './start.js';
export { NodegoError } from './errors.js';
export type { NodegoErrorCode } from './errors.js';
export { resolveBinary, validateBinary, DEFAULT_BINARY } from './binary.js';
export type { BinaryInfo } from './binary.js';
export type { PendingRequest } from './node/quiet-point.js';
export { HANDOFF_VERSION, HANDOFF_VARIABLES, HOST_NAMES, handoffEnv } from './handoff/protocol.js';
export type { HandoffDescription, HostName } from './handoff/protocol.js';
