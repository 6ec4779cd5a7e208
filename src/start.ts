// start(): the zero-configuration form for a function's index.js,
//   module.exports = require('nodego').start();
// It swaps as soon as the host allows: at once when nothing is mid-flight
// (the Functions Framework loads the module before it listens), otherwise at
// the next quiet point.
import * as path from 'node:path';
import { callerDir } from './caller.js';
import { detectHost } from './hosts.js';
import { NodegoError } from './errors.js';
import { begin, prepare, waitForQuiet, type HostKind, type SwapOptions } from './swap.js';

export type StartOptions = Omit<SwapOptions, 'pending'>;

/**
 * Begins the swap. Errors found before anything is touched (no binary, a
 * binary for another machine) are thrown here, so the host reports them
 * while loading the module; a later failure is logged and Node goes on.
 * Returns what the module should export until the swap happens.
 */
export function start(options: StartOptions = {}): Record<string, unknown> {
  const dir = path.resolve(options.dir ?? callerDir());
  const host: HostKind = options.host ?? detectHost();
  const prepared = prepare({ ...options, dir, host });
  const session = begin(prepared);
  waitForQuiet(prepared, session).catch((err: Error) => {
    process.stderr.write(`${err.message}\n`);
  });
  return placeholderExports();
}

/** Exports that explain, if anything calls them, that Go was to answer. */
function placeholderExports(): Record<string, unknown> {
  const explain = () => {
    throw new NodegoError(
      'NODEGO_E_IN_PROGRESS',
      'this function is served by Go once the swap completes, and it has not yet',
      'see the log for why; `nodego doctor` checks the set-up',
    );
  };
  return new Proxy({} as Record<string, unknown>, {
    get: (_target, key) => (typeof key === 'string' && key !== 'then' ? explain : undefined),
  });
}
