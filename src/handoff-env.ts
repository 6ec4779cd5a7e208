// The sending side of the hand-off protocol (docs/handoff.md). The Go
// receiver is go-template/handoff; both are checked against the same vectors
// in go-template/handoff/testdata/handoff-vectors.json.

export const HANDOFF_VERSION = 1;

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

/** The protocol's variables for h, as sorted KEY=value strings. */
export function handoffEnv(h: HandoffDescription): string[] {
  h.listeners.forEach((l, i) => {
    if (l.fd !== 3 + i) throw new Error(`listener ${i} must be at fd ${3 + i}, not ${l.fd}`);
    if (l.name.includes(':')) throw new Error(`listener name ${JSON.stringify(l.name)} contains ':'`);
  });
  const env = [
    `LISTEN_PID=${h.pid}`,
    `LISTEN_FDS=${h.listeners.length}`,
    `NODEGO_HANDOFF=${HANDOFF_VERSION}`,
  ];
  if (h.listeners.length > 0) env.push(`LISTEN_FDNAMES=${h.listeners.map((l) => l.name).join(':')}`);
  if (h.host) env.push(`NODEGO_HOST=${h.host}`);
  if (h.conns.length > 0) env.push(`NODEGO_CONNS=${h.conns.map((c) => `${c.fd}@${c.listener}`).join(',')}`);
  const replays = h.conns.filter((c) => c.replay !== undefined).map((c) => `${c.fd}:${c.replay}`);
  if (replays.length > 0) env.push(`NODEGO_REPLAY=${replays.join(',')}`);
  return env.sort();
}
