// The last step: turn a quiet snapshot into fds and variables and execve.
import * as fs from 'node:fs';
import { addon } from './addon.js';
import type { BinaryInfo } from './binary.js';
import { NodegoError } from './errors.js';
import { HANDOFF_VARIABLES, handoffEnv, type HandoffDescription } from './handoff-env.js';
import { serializeRequest } from './replay.js';
import type { Snapshot } from './session.js';

export interface ExecPlan {
  binary: BinaryInfo;
  argv: string[];
  /** The environment before the hand-off variables are added. */
  env: Record<string, string>;
  host: string;
}

/** The environment the new process gets, hand-off variables included. */
export function environmentFor(env: Record<string, string>, description: HandoffDescription): string[] {
  const stale = new Set<string>(HANDOFF_VARIABLES);
  const base = Object.entries(env)
    .filter(([k]) => !stale.has(k))
    .map(([k, v]) => `${k}=${v}`);
  return [...base, ...handoffEnv(description)];
}

const EXEC_FIXES: Record<string, string> = {
  E2BIG: 'the arguments and environment are over the kernel limit (128 KiB a string): pass large data in a file instead',
  ETXTBSY: 'the binary is open for writing (a build still running?): wait for it to finish and retry',
  EACCES: 'it is not executable here: check its mode and that its file system is not mounted noexec',
  ENOEXEC: 'the kernel does not recognise the format: run `nodego build` for this machine',
  ENOENT: 'it (or its #! interpreter or dynamic loader) is gone: run `nodego build`',
  ENOMEM: 'the machine is out of memory: give the function more memory',
};

/** Never returns on success. On failure nothing is left changed. */
export function execSnapshot(plan: ExecPlan, snap: Snapshot): never {
  const native = addon();
  const floor = 3 + snap.listeners.length;
  const opened: number[] = [];
  const inherit: number[] = [];
  try {
    const conns: HandoffDescription['conns'] = [];
    for (const c of snap.connections) {
      if (c.state === 'busy') continue;
      // Below the floor a listener would land on it; above, it keeps its number.
      let fd = c.fd;
      if (fd < floor) {
        fd = native.dupAbove(fd, floor);
        opened.push(fd);
      }
      inherit.push(fd);
      let replay: number | undefined;
      if (c.owed) {
        replay = native.createMemfd('nodego-replay', serializeRequest(c.owed.req, c.owed.body), floor);
        opened.push(replay);
        inherit.push(replay);
      }
      conns.push({ fd, listener: c.listener, ...(replay === undefined ? {} : { replay }) });
    }
    const description: HandoffDescription = {
      pid: process.pid,
      host: plan.host,
      listeners: snap.listeners.map((l, i) => ({ fd: 3 + i, name: l.name })),
      conns,
    };
    return native.execHandoff({
      path: plan.binary.path,
      argv: plan.argv,
      env: environmentFor(plan.env, description),
      listeners: snap.listeners.map((l) => l.fd),
      inherit,
    });
  } catch (err) {
    for (const fd of opened) fs.closeSync(fd);
    throw toNodegoError(err, plan.binary.path);
  }
}

function toNodegoError(err: unknown, file: string): Error {
  if (err instanceof NodegoError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'NODEGO_E_THREAD') {
    return new NodegoError('NODEGO_E_THREAD', 'a swap was asked for from a worker thread', 'call nodego from the main thread', {
      cause: err,
    });
  }
  const fix = (e.code && EXEC_FIXES[e.code]) ?? 'see the cause';
  const wrapped = new NodegoError('NODEGO_E_EXEC', `execve of ${file} failed with ${e.code ?? e.message}; Node keeps serving`, fix, {
    path: file,
    cause: err,
  });
  if (typeof e.errno === 'number') wrapped.errno = e.errno;
  if (e.syscall) wrapped.syscall = e.syscall;
  return wrapped;
}
