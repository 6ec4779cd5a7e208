// swap(): replace this Node process with the function's Go binary, keeping
// the PID, the listeners and the live connections. plan(): the same
// analysis without doing it.
import type * as net from 'node:net';
import * as path from 'node:path';
import { addon } from './addon.js';
import { resolveBinary, validateBinary, type BinaryInfo } from './binary.js';
import { callerDir } from './caller.js';
import { NodegoError } from './errors.js';
import { environmentFor, execSnapshot, type ExecPlan } from './exec.js';
import { HANDOFF_VARIABLES } from './handoff-env.js';
import { pendingFor } from './hosts.js';
import { listeningServers } from './node-internals.js';
import { SwapSession, type ConnectionStateName, type PendingRequest } from './session.js';

export type HostKind = 'plain' | 'functions-framework' | 'openwhisk-nodejs' | 'legacy-worker';

export interface SwapOptions {
  /** The Go binary; relative to `dir`. Default: see resolveBinary. */
  binary?: string;
  /** The function's directory. Default: that of the module calling nodego. */
  dir?: string;
  /** Arguments after argv[0]. */
  args?: string[];
  /** Variables to add (a string) or remove (undefined) for the Go process. */
  env?: Record<string, string | undefined>;
  /** The host protocol the Go runtime should speak (NODEGO_HOST). */
  host?: HostKind;
  /**
   * Requests Node has read that Go must answer. Default: the request whose
   * handler is calling swap(), if its response has not ended.
   */
  pending?: PendingRequest[];
  /** Servers whose listeners to hand over. Default: every listening one. */
  servers?: net.Server[];
  /** How long to wait for a quiet point; default 10 s. */
  timeoutMs?: number;
}

export interface HandoffPlan {
  binary: BinaryInfo;
  argv: string[];
  host: HostKind;
  listeners: Array<{ fd: number; name: string; address: string }>;
  connections: Array<{ fd: number; listener: number; peer: string; state: ConnectionStateName; why?: string }>;
  /** Why a swap could not happen this instant; empty at a quiet point. */
  blockers: string[];
  /** The hand-off variables the Go process would get now. */
  handoff: Record<string, string>;
}

/**
 * Listeners land on fds 3.., which on Node 20-24 hold the main loop's epoll
 * fd, its io_uring and signal pipes: only the main thread (busy handing off)
 * and signal handlers (reset first) use those. Higher up sit fds that other
 * threads write to, which must not briefly point at a socket.
 */
export const MAX_LISTENERS = 4;

export interface Prepared extends ExecPlan {
  host: HostKind;
  servers: net.Server[];
  pending: PendingRequest[];
  timeoutMs: number;
}

export function prepare(options: SwapOptions): Prepared {
  const dir = path.resolve(options.dir ?? callerDir());
  const binary = validateBinary(resolveBinary(dir, options.binary));
  const native = addon();
  if (!native.onMainThread()) {
    throw new NodegoError('NODEGO_E_THREAD', 'a swap was asked for from a worker thread', 'call nodego from the main thread');
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const servers = options.servers ?? listeningServers();
  if (servers.length > MAX_LISTENERS) {
    throw new NodegoError(
      'NODEGO_E_OPTIONS',
      `this process listens on ${servers.length} sockets; nodego places at most ${MAX_LISTENERS}, at fds 3-${2 + MAX_LISTENERS}`,
      'pass the servers to hand over in the "servers" option (see docs/handoff.md, "Where the fds go")',
    );
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(timeoutMs >= 0)) throw new NodegoError('NODEGO_E_OPTIONS', `timeoutMs ${timeoutMs} is not a duration`, 'pass milliseconds >= 0');
  return {
    binary,
    argv: [binary.path, ...(options.args ?? [])],
    env,
    host: options.host ?? 'plain',
    servers,
    pending: options.pending ?? pendingFor(options.host ?? 'plain'),
    timeoutMs,
  };
}

export function plan(options: SwapOptions = {}): HandoffPlan {
  const prepared = prepare(options);
  const snap = new SwapSession(prepared.servers, prepared.pending).snapshot();
  const handoff: Record<string, string> = {};
  const description = {
    pid: process.pid,
    host: prepared.host,
    listeners: snap.listeners.map((l, i) => ({ fd: 3 + i, name: l.name })),
    conns: snap.connections.filter((c) => c.state !== 'busy').map((c) => ({ fd: c.fd, listener: c.listener })),
  };
  const vars = new Set<string>(HANDOFF_VARIABLES);
  for (const kv of environmentFor({}, description)) {
    const [k, ...v] = kv.split('=');
    if (vars.has(k!)) handoff[k!] = v.join('=');
  }
  return {
    binary: prepared.binary,
    argv: prepared.argv,
    host: prepared.host,
    listeners: snap.listeners.map(({ fd, name, address }) => ({ fd, name, address })),
    connections: snap.connections.map(({ fd, listener, peer, state, why }) => ({
      fd,
      listener,
      peer,
      state,
      ...(why ? { why } : {}),
    })),
    blockers: snap.blockers,
    handoff,
  };
}

let swapping = false;

/**
 * Replaces this process with the Go binary at the next quiet point. The
 * promise never resolves: on success this process is Go. It rejects with a
 * NodegoError, and Node goes on serving, when the binary is unusable, no
 * quiet point comes within timeoutMs, or execve fails.
 *
 * When the process is quiet already (no connection mid-request), execve
 * happens before swap() returns.
 */
export function swap(options: SwapOptions = {}): Promise<never> {
  try {
    const prepared = prepare(options);
    return waitForQuiet(prepared, begin(prepared));
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Swaps at once if the process is quiet; throws if that fails. Otherwise
 * returns the session that waits, with owed responses held back from Node.
 */
export function begin(prepared: Prepared): SwapSession {
  if (swapping) {
    throw new NodegoError('NODEGO_E_IN_PROGRESS', 'a swap is already waiting for its quiet point', 'call swap() once');
  }
  const session = new SwapSession(prepared.servers, prepared.pending);
  try {
    const snap = session.poll();
    if (snap.blockers.length === 0) execSnapshot(prepared, snap);
  } catch (err) {
    session.release(err as Error);
    throw err;
  }
  swapping = true;
  session.holdOwedResponses();
  return session;
}

export function waitForQuiet(prepared: Prepared, session: SwapSession): Promise<never> {
  const deadline = Date.now() + prepared.timeoutMs;
  return new Promise<never>((_resolve, reject) => {
    let spins = 0;
    const tick = () => {
      try {
        const snap = session.poll();
        if (snap.blockers.length === 0) execSnapshot(prepared, snap);
        if (Date.now() >= deadline) {
          throw new NodegoError(
            'NODEGO_E_TIMEOUT',
            `no quiet point within ${prepared.timeoutMs} ms (${snap.blockers.join('; ')})`,
            'finish or close those first, or pass a longer timeoutMs',
          );
        }
      } catch (err) {
        swapping = false;
        session.release(err as Error);
        reject(err);
        return;
      }
      // Turn by turn at first (a swap should take milliseconds), then gently.
      if (spins++ < 50) setImmediate(tick);
      else setTimeout(tick, 2);
    };
    setImmediate(tick);
  });
}
