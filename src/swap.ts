// swap(): replace this Node process with the function's Go binary, keeping
// the PID, the listeners and the live connections. plan(): the same hand-off,
// printed instead of done. Both go options -> observation -> planner; swap()
// then waits for the quiet point and executes the plan.
import type * as net from 'node:net';
import * as path from 'node:path';
import { addon } from './addon.js';
import { resolveBinary, validateBinaryHere, type BinaryInfo } from './binary.js';
import { callerDir } from './caller.js';
import { NodegoError } from './errors.js';
import { executeHandoff } from './handoff/execute.js';
import { MAX_LISTENERS } from './handoff/fd-kinds.js';
import { planHandoff, type ConnectionStateName, type Handoff, type Observation } from './handoff/planner.js';
import { isHostName, HOST_NAMES, type HostName } from './handoff/protocol.js';
import { serializeRequest } from './handoff/replay.js';
import { listeningServers } from './node/internals.js';
import { QuietPoint, type PendingRequest, type Snapshot } from './node/quiet-point.js';

/** The host protocol the Go runtime speaks (NODEGO_HOST). */
export type HostKind = HostName;

/** How long swap() waits for a quiet point unless told otherwise. */
export const DEFAULT_TIMEOUT_MS = 10_000;

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
   * Requests Node has read that Go must answer. Default: what the host owes
   * (for a plain server, the request whose handler is calling swap(), if its
   * response has not ended).
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
  connections: Array<{ fd: number; listener: number; peer: string; state: ConnectionStateName; why?: string; handedOver: boolean }>;
  /** Why a swap could not happen this instant; empty at a quiet point. */
  blockers: string[];
  /** The hand-off variables the Go process would get now. */
  handoff: Record<string, string>;
  /** The fds made before execve: connections moved above the listener slots, replays. */
  fds: Array<{ kind: 'connection' | 'replay'; fd: number; from?: number; bytes?: number }>;
  /** Whether a memory releaser goes with it (its pid in NODEGO_RELEASER, known only at execve). */
  memoryReleaser: boolean;
}

interface Prepared {
  binary: BinaryInfo;
  argv: string[];
  env: Record<string, string>;
  host: HostName;
  servers: net.Server[];
  pending: PendingRequest[];
  timeoutMs: number;
}

/** Options checked and defaults filled in; throws before anything is touched. */
function prepare(options: SwapOptions): Prepared {
  // The caller's directory takes a stack walk: only when a path depends on it.
  const absolute = options.binary !== undefined && path.isAbsolute(options.binary);
  const dir = path.resolve(options.dir ?? (absolute ? path.dirname(options.binary!) : callerDir()));
  const binary = validateBinaryHere(resolveBinary(dir, options.binary));
  if (!addon().onMainThread()) {
    throw new NodegoError('NODEGO_E_THREAD', 'a swap was asked for from a worker thread', 'call nodego from the main thread');
  }
  const host = options.host ?? 'plain';
  if (!isHostName(host)) {
    throw new NodegoError('NODEGO_E_OPTIONS', `unknown host ${JSON.stringify(host)}`, `pass one of ${HOST_NAMES.join(', ')}`);
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
  // The registry (every host module) is loaded only when the host must say what it owes.
  const pending = options.pending ?? (require('./hosts/registry.js') as typeof import('./hosts/registry.js')).hostNamed(host).owed();
  if (pending.length > 0 && !binary.speaksNodego) {
    throw new NodegoError(
      'NODEGO_E_RECEIVER',
      `${binary.path} is not built on nodego's Go runtime, so it cannot answer the request that asked for the swap (${pending[0]!.req.method} ${pending[0]!.req.url})`,
      'serve it with github.com/nodego/nodego (any socket-activation server can take the listeners alone: call swap() outside a request then)',
      { path: binary.path },
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs >= 0)) throw new NodegoError('NODEGO_E_OPTIONS', `timeoutMs ${timeoutMs} is not a duration`, 'pass milliseconds >= 0');
  return {
    binary,
    argv: [binary.path, ...(options.args ?? [])],
    env,
    host,
    servers,
    pending,
    timeoutMs,
  };
}

/** What the planner needs, from a snapshot of the quiet point. */
function observe(p: Prepared, snap: Snapshot): Observation {
  return {
    pid: process.pid,
    host: p.host,
    binary: p.binary,
    argv: p.argv,
    env: p.env,
    listeners: snap.listeners.map(({ fd, name, address }) => ({ fd, name, address })),
    connections: snap.connections.map((c) => ({
      fd: c.fd,
      listener: c.listener,
      peer: c.peer,
      state: c.state,
      ...(c.why ? { why: c.why } : {}),
      ...(c.owed ? { replay: Buffer.concat(c.owed.map((o) => serializeRequest(o.req, o.body))) } : {}),
    })),
    blockers: snap.blockers,
    openFds: addon().openFds(),
  };
}

function printable(h: Handoff): HandoffPlan {
  return {
    binary: h.binary,
    argv: h.argv,
    host: h.host,
    listeners: h.listeners.map(({ fd, name, address }) => ({ fd, name, address })),
    connections: h.connections.map(({ fd, listener, peer, state, why, handedOver }) => ({ fd, listener, peer, state, ...(why ? { why } : {}), handedOver })),
    blockers: h.blockers,
    handoff: h.variables,
    fds: h.steps.map((s) => (s.kind === 'connection' ? { kind: s.kind, fd: s.fd, from: s.from } : { kind: s.kind, fd: s.fd, bytes: s.bytes.length })),
    memoryReleaser: h.releaseMemory,
  };
}

/** The hand-off swap() would make now, without making it. */
export function plan(options: SwapOptions = {}): HandoffPlan {
  const prepared = prepare(options);
  return printable(planHandoff(observe(prepared, new QuietPoint(prepared.servers, prepared.pending).snapshot())));
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
    return beginSwap(options);
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * swap(), except that what is wrong before anything is touched (no binary,
 * bad options, the first attempt's exec failing) is thrown, not rejected:
 * start() reports it while the host loads the module.
 */
export function beginSwap(options: SwapOptions): Promise<never> {
  const prepared = prepare(options);
  if (swapping) {
    throw new NodegoError('NODEGO_E_IN_PROGRESS', 'a swap is already waiting for its quiet point', 'call swap() once');
  }
  const quiet = new QuietPoint(prepared.servers, prepared.pending);
  /** One look: execs when quiet (never returns then); else what blocks. */
  const attempt = (): string[] => {
    const handoff = planHandoff(observe(prepared, quiet.poll()));
    if (handoff.blockers.length > 0) return handoff.blockers;
    executeHandoff(handoff);
    return ['a new fd landed where the plan put one: planning again'];
  };
  try {
    attempt();
  } catch (err) {
    quiet.release(err as Error);
    throw err;
  }
  swapping = true;
  quiet.holdOwedResponses();
  return waitForQuiet(prepared.timeoutMs, attempt, quiet, (err) => {
    swapping = false;
    quiet.release(err);
  });
}

/**
 * The longest an idle keep-alive client waits because of a swap: idle
 * connections are parked for windows this long and served between them,
 * until one window finds the quiet point.
 */
export const PARK_WINDOW_MS = 250;
/** How long Node serves the idle connections between two windows. */
const SERVE_GAP_MS = 10;

/**
 * Tries again turn by turn at first (a swap takes milliseconds), then
 * gently, until the deadline; every PARK_WINDOW_MS it lets the idle
 * connections be served for a moment.
 */
function waitForQuiet(timeoutMs: number, attempt: () => string[], quiet: QuietPoint, giveUp: (err: Error) => void): Promise<never> {
  const deadline = Date.now() + timeoutMs;
  return new Promise<never>((_resolve, reject) => {
    let spins = 0;
    let windowStart = Date.now();
    const tick = () => {
      try {
        const blockers = attempt();
        if (Date.now() >= deadline) {
          throw new NodegoError(
            'NODEGO_E_TIMEOUT',
            `no quiet point within ${timeoutMs} ms (${blockers.join('; ')})`,
            'finish or close those first, or pass a longer timeoutMs',
          );
        }
      } catch (err) {
        giveUp(err as Error);
        reject(err);
        return;
      }
      if (Date.now() - windowStart >= PARK_WINDOW_MS) {
        quiet.unparkIdle();
        setTimeout(() => {
          windowStart = Date.now();
          tick();
        }, SERVE_GAP_MS);
      } else if (spins++ < 50) setImmediate(tick);
      else setTimeout(tick, 2);
    };
    setImmediate(tick);
  });
}
