// start(): the zero-configuration form for a function's index.js,
//   module.exports = require('nodego').start();
// It works out the host from how the module was loaded, and swaps as soon as
// the host allows: at once when nothing is in flight (the Functions Framework
// loads the module before it listens), else at the next quiet point. A module
// loaded by anything else (a build step warming a cache, a test) is left
// alone.
import * as path from 'node:path';
import { callerFile } from './caller.js';
import { NodegoError } from './errors.js';
import { functionsFrameworkEnv, functionsFrameworkMain } from './functions-framework.js';
import { detectHost } from './hosts.js';
import { listeningServers } from './node-internals.js';
import { begin, prepare, waitForQuiet, type HostKind, type SwapOptions } from './swap.js';

export type StartOptions = Omit<SwapOptions, 'pending'>;

interface Decision {
  swap: boolean;
  host: HostKind;
  why: string;
  env?: Record<string, string>;
}

function decide(options: StartOptions, caller: string | undefined): Decision {
  const entry = require.main?.filename;
  if (process.env.NODEGO_SWAP === '0') return { swap: false, host: 'plain', why: 'NODEGO_SWAP=0' };
  if (options.host) return { swap: true, host: options.host, why: 'the host option' };
  const inFlight = detectHost();
  if (inFlight !== 'plain') return { swap: true, host: inFlight, why: 'a request of that host is in flight' };
  const framework = functionsFrameworkMain();
  if (framework) {
    return { swap: true, host: 'functions-framework', why: 'loaded by the Functions Framework', env: functionsFrameworkEnv(framework) };
  }
  if (process.env.NODEGO_SWAP === '1') return { swap: true, host: 'plain', why: 'NODEGO_SWAP=1' };
  if (caller !== undefined && caller === entry) return { swap: true, host: 'plain', why: 'run as the program' };
  if (listeningServers().length > 0) return { swap: true, host: 'plain', why: 'a server is listening' };
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
  const prepared = prepare({ ...options, dir, host: decision.host, env });
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
      'this function is served by Go once the swap happens, and it has not',
      'see the log for why; `nodego doctor` checks the set-up',
    );
  };
  return new Proxy({} as Record<string, unknown>, {
    get: (_target, key) => (typeof key === 'string' && key !== 'then' ? explain : undefined),
  });
}
