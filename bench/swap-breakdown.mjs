#!/usr/bin/env node
// npm run bench:swap: where the time of an idle swap goes, from the system
// calls of the swapping process, as strace (-ttt, µs clock) sees them: the
// Node side (swap() to execve: quiet point, plan, addon), execve itself (the
// kernel: Node's threads stopped, its memory unmapped, the Go binary mapped),
// the Go runtime's start to the hand-off's receiving (the runtime's init,
// then nodego's handoff package init, its first call: open /dev/null), then
// adoption to serving (Go's first accept on the adopted listener). strace adds a little to each
// traced call; the split, not the sum, is the result. Needs strace.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build, bin, freePort, log, root, sleep } from './harness.mjs';

const ROUNDS = Number(process.argv[2] ?? 10);

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function once() {
  const port = await freePort();
  const host = spawn(process.execPath, [path.join(root, 'bench', 'hosts', 'plain-swap.js')], {
    env: { ...process.env, PORT: String(port), BENCH_BINARY: bin('gohello'), FUNCTION_TARGET: 'hello' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  host.stdout.on('data', (d) => (out += d));
  while (!out.includes('listening')) await sleep(5);
  const trace = path.join(os.tmpdir(), `nodego-swap-${host.pid}.strace`);
  const strace = spawn('strace', ['-f', '-ttt', '-T', '-qq', '--seccomp-bpf', '-e', 'trace=execve,openat,accept4,write', '-o', trace, '-p', String(host.pid)], { stdio: 'ignore' });
  const traced = new Promise((r) => strace.once('exit', r));
  await sleep(300); // attached
  process.kill(host.pid, 'SIGUSR2');
  while (!/"swapAt":(\d+)/.test(out)) await sleep(1);
  const swapAt = Number(/"swapAt":(\d+)/.exec(out)[1]) / 1e9;
  await sleep(300); // Go is serving by then
  strace.kill('SIGINT'); // detach first, then end the process
  await Promise.race([traced, sleep(2000)]);
  strace.kill('SIGKILL');
  host.kill('SIGKILL');
  const lines = fs.readFileSync(trace, 'utf8').split('\n');
  if (!process.env.KEEP_TRACE) fs.rmSync(trace, { force: true });
  const at = (test) => {
    const line = lines.find(test);
    return line ? Number(line.split(/\s+/)[1]) : NaN;
  };
  const execLine = lines.find((l) => /execve\(".*gohello"/.test(l)) ?? '';
  const execEnter = Number(execLine.split(/\s+/)[1]);
  const execDone = execEnter + Number(/<([\d.]+)>\s*$/.exec(execLine)?.[1] ?? NaN);
  const goInit = at((l) => l.includes('openat(') && l.includes('/dev/null') && Number(l.split(/\s+/)[1]) > execEnter);
  // Serving: Go's first accept on the listener it adopted (EAGAIN: nobody waiting yet).
  const serving = at((l) => l.includes('accept4(') && Number(l.split(/\s+/)[1]) > execEnter);
  return {
    nodeSide: (execEnter - swapAt) * 1000,
    execve: (execDone - execEnter) * 1000,
    goStart: (goInit - execDone) * 1000,
    adoptToServing: (serving - goInit) * 1000,
    total: (serving - swapAt) * 1000,
  };
}

async function main() {
  build();
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await once());
  const keys = Object.keys(rounds[0]);
  const row = (k) => `| ${k} | ${median(rounds.map((r) => r[k])).toFixed(2)} | ${Math.min(...rounds.map((r) => r[k])).toFixed(2)}-${Math.max(...rounds.map((r) => r[k])).toFixed(2)} |`;
  const table = ['| part of an idle swap | median ms | range |', '|---|---|---|', ...keys.map(row)].join('\n');
  log(table);
  const text = `# Where an idle swap's time goes

Written by \`npm run bench:swap\` on ${new Date().toISOString()} (Node ${process.version}, ${ROUNDS} swaps of
\`bench/hosts/plain-swap.js\` into \`bench/go/gohello\`, no load), from the swapping process's system calls as
strace sees them. strace slows every traced call and the attach, so the sum is longer than the swap's
unobserved time (the idle swap of \`npm run bench\`, in docs/benchmarks.md); the split is the result.

${table}

- **nodeSide**: \`swap()\` to the \`execve\` call: the quiet point, the plan (open fds, build information
  of the binary), the addon placing fds and resetting signals. Node's part.
- **execve**: the system call itself: the kernel stops Node's other threads, unmaps Node's memory and maps the
  Go binary. The kernel's part; it grows with the size of Node's heap, not with anything nodego does.
- **goStart**: the Go runtime's start to the first thing nodego's runtime does (its hand-off \`init\`,
  opening /dev/null): the Go runtime's own initialisation (heap, GC, threads), before any user code.
- **adoptToServing**: receiving the hand-off, adopting the listener and connections, to Go's first accept.
`;
  fs.writeFileSync(path.join(root, 'docs', 'swap-breakdown.md'), text);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
