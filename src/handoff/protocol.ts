// The sending side of the hand-off protocol (docs/handoff.md). The Go
// receiver is go-template/handoff; both are checked against the same vectors
// in go-template/handoff/testdata/handoff-vectors.json, host names included.
import { NodegoError } from '../errors.js';
import { FD_KINDS, FIRST_LISTENER_FD, type FdKind } from './fd-kinds.js';

export const HANDOFF_VERSION = 1;

/**
 * NODEGO_HOST: the protocol the new process must speak. A closed set, the
 * same in Go (handoff.Hosts). openwhisk-proxy is Go's own: the standalone
 * OpenWhisk proxy handing over to its next binary.
 */
export const HOST_NAMES = ['plain', 'functions-framework', 'openwhisk-nodejs', 'legacy-worker', 'openwhisk-proxy', 'firebase-tools'] as const;
export type HostName = (typeof HOST_NAMES)[number];

export function isHostName(name: string): name is HostName {
  return (HOST_NAMES as readonly string[]).includes(name);
}

/** Every variable of the protocol: stale values are removed before sending. */
export const HANDOFF_VARIABLES = [
  'LISTEN_PID',
  'LISTEN_FDS',
  'LISTEN_FDNAMES',
  'NODEGO_HANDOFF',
  'NODEGO_HOST',
  'NODEGO_CONNS',
  'NODEGO_REPLAY',
] as const;

export interface HandoffDescription {
  pid: number;
  host?: string;
  /** At fds 3, 4, ... in this order. */
  listeners: Array<{ fd: number; name: string }>;
  conns: Array<{ fd: number; listener: number; replay?: number }>;
}

const refuse = (problem: string) => new NodegoError('NODEGO_E_OPTIONS', problem, 'this is a bug in the hand-off plan: report it');

/**
 * What both sides must agree on (the "refused" vectors): listeners at 3, 4,
 * ... with names free of ':', every connection on a listener that exists,
 * no fd used twice or below 3. The Go side is Handoff.Validate.
 */
export function validateDescription(h: HandoffDescription): void {
  const used = new Map<number, FdKind>();
  const claim = (fd: number, kind: FdKind) => {
    const what = FD_KINDS[kind].what;
    if (fd < FIRST_LISTENER_FD) throw refuse(`${what} fd ${fd} is below ${FIRST_LISTENER_FD} (stdio)`);
    const prior = used.get(fd);
    if (prior) throw refuse(`${what} fd ${fd} is already ${FD_KINDS[prior].what}`);
    used.set(fd, kind);
  };
  h.listeners.forEach((l, i) => {
    const slot = FIRST_LISTENER_FD + i;
    if (l.fd !== slot) throw refuse(`listener ${i} must be at fd ${slot}, not ${l.fd}`);
    if (l.name.includes(':')) {
      throw new NodegoError('NODEGO_E_OPTIONS', `listener name ${JSON.stringify(l.name)} contains ':'`, 'LISTEN_FDNAMES separates names with colons: choose another name');
    }
    used.set(l.fd, 'listener');
  });
  for (const c of h.conns) {
    if (!(c.listener >= 0 && c.listener < h.listeners.length)) {
      throw refuse(`connection fd ${c.fd} names listener ${c.listener} of ${h.listeners.length}`);
    }
    claim(c.fd, 'connection');
  }
  for (const c of h.conns) if (c.replay !== undefined) claim(c.replay, 'replay');
}

/** The protocol's variables for h, as sorted KEY=value strings. */
export function handoffEnv(h: HandoffDescription): string[] {
  validateDescription(h);
  const env = [`LISTEN_PID=${h.pid}`, `${FD_KINDS.listener.variable}=${h.listeners.length}`, `NODEGO_HANDOFF=${HANDOFF_VERSION}`];
  if (h.listeners.length > 0) env.push(`LISTEN_FDNAMES=${h.listeners.map((l) => l.name).join(':')}`);
  if (h.host) env.push(`NODEGO_HOST=${h.host}`);
  if (h.conns.length > 0) env.push(`${FD_KINDS.connection.variable}=${h.conns.map((c) => `${c.fd}@${c.listener}`).join(',')}`);
  const replays = h.conns.filter((c) => c.replay !== undefined).map((c) => `${c.fd}:${c.replay}`);
  if (replays.length > 0) env.push(`${FD_KINDS.replay.variable}=${replays.join(',')}`);
  return env.sort();
}

/** env without stale protocol variables, plus h's. */
export function environmentFor(env: Record<string, string>, h: HandoffDescription): string[] {
  const stale = new Set<string>(HANDOFF_VARIABLES);
  const base = Object.entries(env)
    .filter(([k]) => !stale.has(k))
    .map(([k, v]) => `${k}=${v}`);
  return [...base, ...handoffEnv(h)];
}
