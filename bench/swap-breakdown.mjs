#!/usr/bin/env node
// npm run bench:swap: where the time of an idle swap goes. Each round swaps
// bench/hosts/plain-swap.js into gohello while one keep-alive client polls,
// as the bench's idle swap does, and reads one clock (CLOCK_MONOTONIC) at:
// swap() (the host passes it to Go in BENCH_SWAP_AT_MONO), execve's entry
// and exit (perf's syscall tracepoints: two events, nothing else traced),
// gohello's own package init (the Go runtime and every package it imports
// have started by then), main, and the first request in the handler
// (BENCH_TRACE=1). Rounds alternate with and without the memory releaser
// (NODEGO_MEMORY_RELEASER=off), so the kernel's teardown of Node shows.
// Without perf, Node's side and execve are one part.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bin, build, freePort, log, pinned, readLines, root, sleep, startEnv, waitFor } from './harness.mjs';

const ROUNDS = Number(process.argv[2] ?? 12);
const HAVE_PERF = spawnSync('perf', ['--version']).status === 0;

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function once(releaser) {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), BENCH_BINARY: bin('gohello'), FUNCTION_TARGET: 'hello', BENCH_TRACE: '1' };
  if (!releaser) env.NODEGO_MEMORY_RELEASER = 'off';
  const host = pinned(0, process.execPath, [path.join(root, 'bench', 'hosts', 'plain-swap.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = readLines(host);
  const err = readLines({ stdout: host.stderr });
  let perf;
  let watcher;
  const data = path.join(os.tmpdir(), `nodego-swap-${host.pid}.perf`);
  try {
    await waitFor(out, (l) => l.includes('listening'));
    watcher = pinned(1, bin('loadgen'), ['-addr', `127.0.0.1:${port}`, '-watch'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const watched = readLines(watcher);
    await waitFor(watched, (l) => l === 'ready');
    if (HAVE_PERF) {
      // System-wide, not -p: following the process would make every thread Go
      // starts carry perf's counters, and slow what is measured.
      perf = spawn('perf', ['record', '-q', '-a', '-k', 'CLOCK_MONOTONIC', '-e', 'syscalls:sys_enter_execve,syscalls:sys_exit_execve', '-o', data], { stdio: 'ignore' });
      await sleep(300); // attached
    }
    process.kill(host.pid, 'SIGUSR2');
    const go = JSON.parse(await waitFor(err, (l) => l.startsWith('{"goInit"')));
    const firstAnswer = BigInt(await waitFor(watched, (l) => /^\d+$/.test(l)));
    const swapAt = BigInt(startEnv(host.pid, 'BENCH_SWAP_AT_MONO'));
    const swapAtWall = BigInt(startEnv(host.pid, 'BENCH_SWAP_AT'));
    const ms = (t) => Number(BigInt(t) - swapAt) / 1e6;
    const row = { goInit: ms(go.goInit), goMain: ms(go.goMain), goFirst: ms(go.goFirst), answered: Number(firstAnswer - swapAtWall) / 1e6 };
    if (perf) {
      perf.kill('SIGINT');
      await new Promise((resolve) => perf.once('exit', resolve));
      perf = undefined;
      const events = execFileSync('perf', ['script', '-i', data, '-F', 'pid,time,event'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .split('\n')
        .map((l) => /^\s*(\d+)\s+([\d.]+):\s+syscalls:sys_(enter|exit)_execve/.exec(l))
        .filter((m) => m && Number(m[1]) === host.pid)
        .map((m) => m.slice(1))
        .map(([, time, kind]) => ({ at: BigInt(time.replace('.', '')) * 1000n, kind }));
      row.execEnter = ms(events.find((e) => e.kind === 'enter').at);
      row.execExit = ms(events.find((e) => e.kind === 'exit').at);
    }
    return row;
  } finally {
    if (perf) perf.kill('SIGKILL');
    if (watcher) watcher.kill('SIGKILL');
    host.kill('SIGKILL');
    fs.rmSync(data, { force: true });
  }
}

/** The parts of a round, in order; each is the time since the previous mark. */
function parts(r) {
  const split = r.execEnter !== undefined;
  return {
    ...(split ? { nodeSide: r.execEnter, execve: r.execExit - r.execEnter, goStart: r.goInit - r.execExit } : { nodeSideExecveGoStart: r.goInit }),
    goMain: r.goMain - r.goInit,
    mainToHandler: r.goFirst - r.goMain,
    toClient: r.answered - r.goFirst,
    total: r.answered,
  };
}

/** How long gohello's package inits take, from the Go runtime's own trace (a direct start). */
function packageInitMs() {
  const run = spawnSync(bin('gohello'), [], { env: { ...process.env, PORT: '0', GODEBUG: 'inittrace=1' }, timeout: 1000, encoding: 'utf8' });
  return (run.stderr ?? '').split('\n').reduce((sum, l) => sum + Number(/, ([\d.]+) ms clock/.exec(l)?.[1] ?? 0), 0);
}

async function main() {
  build();
  const rounds = { on: [], off: [] };
  for (let i = 0; i < ROUNDS; i++) {
    rounds.on.push(parts(await once(true)));
    rounds.off.push(parts(await once(false)));
  }
  const inits = packageInitMs();
  const keys = Object.keys(rounds.on[0]);
  const cell = (list, k) => `${median(list.map((r) => r[k])).toFixed(2)} (${Math.min(...list.map((r) => r[k])).toFixed(2)}-${Math.max(...list.map((r) => r[k])).toFixed(2)})`;
  const table = ['| part of an idle swap | ms, memory releaser on (the default) | ms, NODEGO_MEMORY_RELEASER=off |', '|---|---|---|', ...keys.map((k) => `| ${k} | ${cell(rounds.on, k)} | ${cell(rounds.off, k)} |`)].join('\n');
  log(table);
  const text = `# Where an idle swap's time goes

Written by \`npm run bench:swap\` on ${new Date().toISOString()} (Node ${process.version}, ${os.cpus().length} CPUs, ${ROUNDS} swaps each way
of \`bench/hosts/plain-swap.js\` into \`bench/go/gohello\`, the host on core 0, one keep-alive client polling from core 1;
medians, ranges in brackets). One clock throughout: the host reads it at \`swap()\`, ${HAVE_PERF ? "perf's syscall tracepoints at execve's entry and exit (two events, system-wide: following the process would slow the threads Go starts)" : 'no execve marks (perf was not found: the first parts are one)'},
gohello at its package init, at main and in the handler; the client's answer is on the wall clock against \`swap()\`'s.

${table}

- **nodeSide**: \`swap()\` to the \`execve\` call: options and the binary checked (the addon reads it), the quiet point
  found, the plan, the fds placed, signals reset, the memory releaser started (a clone and one round trip to it).
  Node's part. It runs once per process; the warm-up nodego runs when the process is idle after loading it
  (\`src/warm-swap-path.ts\`) has compiled most of it by then.
- **execve**: the system call. The kernel stops Node's other threads, switches to a new address space and maps
  the Go binary. Without the releaser it also frees Node's old address space here: the difference between the
  two columns is that teardown, the kernel's work, which the releaser moves beside the Go process.
- **goStart**: the Go runtime's start and the init of every package gohello imports (${inits.toFixed(2)} ms of it is
  package init, from \`GODEBUG=inittrace=1\` on a direct start), to gohello's own package init.
- **goMain**: the rest of init, to \`main\`.
- **mainToHandler**: \`functions.Serve\`: the hand-off adopted (listener and the client's connection), the
  server started, the client's waiting request read and routed to the handler.
- **toClient**: the answer written and read by the client.

Tracing adds to the total (perf's tracepoints make every system call on the machine take the slow path); the
untraced figure is the idle swap of \`npm run bench\` (docs/benchmarks.md). Whose part is whose: execve is the
kernel's; goStart is the Go runtime's and the standard library's, which a Go program pays however it is started;
nodeSide and mainToHandler are nodego's.
`;
  fs.writeFileSync(path.join(root, 'docs', 'swap-breakdown.md'), text);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
