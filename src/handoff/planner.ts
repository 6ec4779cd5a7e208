// The hand-off, planned. From what was observed (the listeners, every
// connection and its state, the requests owed, the binary, the fds open now)
// to everything the new process gets: where each fd goes, which replays are
// made, the variables and the whole environment. Pure: nothing is touched
// here. plan() prints the result, execute.ts carries it out, so what is
// printed is what is sent.
import type { BinaryInfo } from '../binary.js';
import { FIRST_LISTENER_FD } from './fd-kinds.js';
import { environmentFor, HANDOFF_VARIABLES, type HandoffDescription, type HostName } from './protocol.js';

export type ConnectionStateName = 'idle' | 'owed' | 'busy';

export interface ObservedListener {
  fd: number;
  name: string;
  address: string;
}

export interface ObservedConnection {
  fd: number;
  /** Index into the listeners. */
  listener: number;
  peer: string;
  state: ConnectionStateName;
  /** busy: what it is waiting for. */
  why?: string;
  /** owed: the request, as the bytes the new process must read first. */
  replay?: Uint8Array;
}

export interface Observation {
  pid: number;
  host: HostName;
  binary: BinaryInfo;
  argv: string[];
  /** The environment before the hand-off variables are added. */
  env: Record<string, string>;
  listeners: ObservedListener[];
  connections: ObservedConnection[];
  /** What stands in the way of a swap now (busy connections, unflushed stdio). */
  blockers: string[];
  /** Every fd open in this process now: new fds go to the lowest free ones. */
  openFds: readonly number[];
}

/** An fd made before execve, in this order; each lands at `fd` exactly. */
export type FdStep =
  | { kind: 'connection'; fd: number; from: number }
  | { kind: 'replay'; fd: number; connection: number; bytes: Uint8Array };

export interface PlannedListener extends ObservedListener {
  /** Its place in the new process: 3, 4, ... */
  slot: number;
}

export interface PlannedConnection {
  /**
   * Whether the new process gets it. A program not built on nodego's runtime
   * cannot continue a connection: execve closes it (at a request boundary,
   * so the client just reconnects).
   */
  handedOver: boolean;
  /** Its fd in the new process (its fd now, when not handed over). */
  fd: number;
  /** Its fd now. */
  from: number;
  listener: number;
  peer: string;
  state: ConnectionStateName;
  why?: string;
  /** The fd of its replay in the new process. */
  replay?: number;
}

export interface Handoff {
  binary: BinaryInfo;
  argv: string[];
  host: HostName;
  listeners: PlannedListener[];
  /** Every connection, those not handed over too. */
  connections: PlannedConnection[];
  steps: FdStep[];
  /** Fds that keep their number and only lose FD_CLOEXEC. */
  inherit: number[];
  /** The protocol's variables. */
  variables: Record<string, string>;
  /** The new process's whole environment. */
  env: string[];
  /** Empty when the swap can happen now. */
  blockers: string[];
  /**
   * A helper holds Node's memory across execve so that it is freed beside the
   * new process (docs/handoff.md, NODEGO_RELEASER): only for a program built
   * on nodego's runtime, which reaps it, and unless NODEGO_MEMORY_RELEASER=off.
   */
  releaseMemory: boolean;
}

/**
 * Listeners go to 3, 4, ...; connections below the last slot move to the
 * lowest free fds above it (a listener would land on them), others keep
 * their number; a replay goes to the lowest free fd above the slots. The
 * order of `steps` is the order execute.ts makes them in, so that each
 * lowest-free choice comes out as planned.
 */
export function planHandoff(o: Observation): Handoff {
  const floor = FIRST_LISTENER_FD + o.listeners.length;
  const taken = new Set(o.openFds);
  const nextFree = (): number => {
    let fd = floor;
    while (taken.has(fd)) fd++;
    taken.add(fd);
    return fd;
  };
  const steps: FdStep[] = [];
  const inherit: number[] = [];
  const connections: PlannedConnection[] = [];
  const described: HandoffDescription['conns'] = [];
  const blockers = [...o.blockers];
  for (const c of o.connections) {
    const base = { from: c.fd, listener: c.listener, peer: c.peer, state: c.state, ...(c.why ? { why: c.why } : {}) };
    if (c.state === 'busy' || !o.binary.speaksNodego) {
      connections.push({ handedOver: false, fd: c.fd, ...base });
      if (c.state === 'owed' && !o.binary.speaksNodego) {
        blockers.push(`connection from ${c.peer} (fd ${c.fd}): its request must be answered, and ${o.binary.path} is not built on nodego's runtime`);
      }
      continue;
    }
    let fd = c.fd;
    if (fd < floor) {
      fd = nextFree();
      steps.push({ kind: 'connection', fd, from: c.fd });
    }
    inherit.push(fd);
    let replay: number | undefined;
    if (c.state === 'owed' && c.replay) {
      replay = nextFree();
      steps.push({ kind: 'replay', fd: replay, connection: fd, bytes: c.replay });
      inherit.push(replay);
    }
    connections.push({ handedOver: true, fd, ...base, ...(replay === undefined ? {} : { replay }) });
    described.push({ fd, listener: c.listener, ...(replay === undefined ? {} : { replay }) });
  }
  const listeners = o.listeners.map((l, i) => ({ ...l, slot: FIRST_LISTENER_FD + i }));
  const description: HandoffDescription = {
    pid: o.pid,
    host: o.host,
    listeners: listeners.map((l) => ({ fd: l.slot, name: l.name })),
    conns: described,
  };
  const env = environmentFor(o.env, description);
  const protocol = new Set<string>(HANDOFF_VARIABLES);
  const variables: Record<string, string> = {};
  for (const kv of env) {
    const eq = kv.indexOf('=');
    if (protocol.has(kv.slice(0, eq))) variables[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const releaseMemory = o.binary.speaksNodego && o.env.NODEGO_MEMORY_RELEASER !== 'off';
  return { binary: o.binary, argv: o.argv, host: o.host, listeners, connections, steps, inherit, variables, env, blockers, releaseMemory };
}
