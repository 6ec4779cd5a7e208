// Carries out a planned hand-off: makes the fds the plan names, exactly where
// it names them, then execve. On failure every fd made here is closed and the
// addon has undone its own changes: Node goes on serving.
import * as fs from 'node:fs';
import { addon } from '../addon.js';
import type { Handoff } from './planner.js';

/**
 * Never returns when the exec succeeds. Returns false, with nothing changed,
 * when an fd did not land where planned (another thread opened one since the
 * observation): plan again. Throws the addon's NodegoError when a system call
 * fails.
 */
export function executeHandoff(plan: Handoff): false {
  const native = addon();
  const made: number[] = [];
  try {
    for (const step of plan.steps) {
      const fd =
        step.kind === 'connection'
          ? native.dupAbove(step.from, step.fd)
          : native.createMemfd('nodego-replay', step.bytes, step.fd);
      made.push(fd);
      if (fd !== step.fd) return false;
    }
    return native.execHandoff({
      path: plan.binary.path,
      argv: plan.argv,
      env: plan.env,
      listeners: plan.listeners.map((l) => l.fd),
      inherit: plan.inherit,
      releaseMemory: plan.releaseMemory,
    });
  } finally {
    // Reached only when the process is still Node.
    for (const fd of made) fs.closeSync(fd);
  }
}
