// Compiles the swap's own code while the process is idle after loading
// nodego. V8 compiles a function the first time it runs, and the swap's code
// runs once per process: left cold, an idle swap spends about a millisecond
// compiling (npm run bench:swap). What runs here only reads: the planner is
// pure, a snapshot only looks (the same look plan() takes), and the binary
// read is of Node's own.
import { resolveBinary, validateBinaryHere } from './binary.js';
import { callerDir } from './caller.js';
import { planHandoff } from './handoff/planner.js';
import { runningRequest } from './hosts/requests.js';
import { listeningServers } from './node/internals.js';
import { QuietPoint } from './node/quiet-point.js';

/** Runs once, in a timer that does not keep the process alive. */
export function warmSwapPathWhenIdle(): void {
  setTimeout(warmSwapPath, 0).unref();
}

function warmSwapPath(): void {
  try {
    // Where swap() finds the function and reads its binary (any ELF file will do: the reads are the same).
    resolveBinary(callerDir());
    validateBinaryHere(process.execPath);
    new QuietPoint(listeningServers(), runningRequest()).snapshot();
    // A plan with every kind of fd: a listener, a connection that moves, one with a replay.
    planHandoff({
      pid: process.pid,
      host: 'plain',
      binary: { path: process.execPath, format: 'elf', speaksNodego: true },
      argv: [process.execPath],
      env: { PATH: '/bin' },
      listeners: [{ fd: 20, name: 'http', address: '127.0.0.1:8080' }],
      connections: [
        { fd: 3, listener: 0, peer: '127.0.0.1:1', state: 'idle' },
        { fd: 21, listener: 0, peer: '127.0.0.1:2', state: 'owed', replay: new Uint8Array(1) },
      ],
      blockers: [],
      openFds: [0, 1, 2, 3, 20, 21],
    });
  } catch {
    // Only a warm-up: the swap itself reports whatever is wrong.
  }
}
