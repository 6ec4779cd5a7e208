// start(): the zero-configuration form for a function's index.js,
//   module.exports = require('nodego').start();
// It works out the host from how the module was loaded, and swaps as soon as
// the host allows: at once when nothing is in flight (the Functions Framework
// loads the module before it listens), else at the next quiet point. A module
// loaded by anything else (a build step warming a cache, a test) is left
// alone.
import * as path from 'node:path';
import { callerFile, mainModuleFile } from './caller.js';
import { NodegoError } from './errors.js';
import { detectHost, hostNamed } from './hosts/registry.js';
import { beginSwap, type HostKind, type SwapOptions } from './swap.js';

export type StartOptions = Omit<SwapOptions, 'pending'>;

interface Decision {
  swap: boolean;
  host: HostKind;
  why: string;
  env?: Record<string, string>;
}

function decide(options: StartOptions, caller: string | undefined): Decision {
  const entry = mainModuleFile();
  if (process.env.NODEGO_SWAP === '0') return { swap: false, host: 'plain', why: 'NODEGO_SWAP=0' };
  if (options.host) return { swap: true, host: hostNamed(options.host).name, why: 'the host option' };
  const found = detectHost({ ...(caller ? { caller } : {}), ...(entry ? { entry } : {}) });
  if (found) return { swap: true, host: found.host.name, why: found.detection.why, ...(found.detection.env ? { env: found.detection.env } : {}) };
  return {
    swap: false,
    host: 'plain',
    why: `${caller ? path.basename(caller) : 'the function'} was loaded by ${entry ?? 'no program file'}, which is no host nodego knows (a build step? a test?); NODEGO_SWAP=1 swaps anyway`,
  };
}

/**
 * Begins the swap. Errors found before anything is touched (no binary, a
 * binary for another machine) are thrown here, so the host reports them
 * while loading the module; a later failure is logged and Node goes on.
 * Returns what the module should export until the swap happens.
 */
export function start(options: StartOptions = {}): Record<string, unknown> {
  const caller = callerFile();
  const decision = decide(options, caller);
  if (!decision.swap) {
    process.stderr.write(`nodego: not swapping: ${decision.why}\n`);
    return placeholderExports();
  }
  const dir = path.resolve(options.dir ?? (caller ? path.dirname(caller) : process.cwd()));
  const env = { ...decision.env, ...options.env };
  beginSwap({ ...options, dir, host: decision.host, env }).catch((err: Error) => {
    process.stderr.write(`${err.message}\n`);
  });
  return placeholderExports();
}

/** Exports that explain, if anything calls them, that Go was to answer. */
function placeholderExports(): Record<string, unknown> {
  const explain = () => {
    throw new NodegoError(
      'NODEGO_E_IN_PROGRESS',
      'this function is served by Go once the swap happens, and it has not',
      'see the log for why; `nodego doctor` checks the set-up',
    );
  };
  return new Proxy({} as Record<string, unknown>, {
    get: (_target, key) => (typeof key === 'string' && key !== 'then' ? explain : undefined),
  });
}
