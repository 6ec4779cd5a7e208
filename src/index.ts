// nodego: run Go on a Node.js-only runtime. Requiring this package and
// calling swap() or start() replaces the Node process with the function's Go
// binary by execve(2): same PID, same listening sockets, same keep-alive
// connections.
import { addon } from './addon.js';

// Load the native addon now, off the swap's path (where it would add the
// dlopen to the swap time). Where it cannot load, swap() says why.
try {
  addon();
} catch {
  // reported by swap(), start() and nodego doctor
}

export { swap, plan } from './swap.js';
export type { SwapOptions, HandoffPlan, HostKind } from './swap.js';
export { start } from './start.js';
export type { StartOptions } from './start.js';
export { NodegoError } from './errors.js';
export type { NodegoErrorCode } from './errors.js';
export { resolveBinary, validateBinary, DEFAULT_BINARY } from './binary.js';
export type { BinaryInfo } from './binary.js';
export type { PendingRequest } from './session.js';
export { HANDOFF_VERSION, HANDOFF_VARIABLES, handoffEnv } from './handoff-env.js';
export type { HandoffDescription } from './handoff-env.js';
