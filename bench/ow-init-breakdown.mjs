#!/usr/bin/env node
// npm run bench:ow-init: where the time of a Go action's /init on the
// OpenWhisk Node.js runtime goes (nodego's stand-in, which unpacks as the
// runtime does), from the runtime process's system calls as strace sees
// them (--seccomp-bpf: only the traced calls stop): the body read and
// parsed, the archive written and unpacked by `unzip`, nodego loaded and
// the swap, then the Go runtime's start to the answer of the replayed
// /init. The same for a Node.js action, for the parts they share. Needs strace.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prepareNodeRuntimeActions } from './contenders.mjs';
import { bin, build, freePort, log, root, sleep } from './harness.mjs';

const ROUNDS = Number(process.argv[2] ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function once(kind) {
  const port = await freePort();
  const trace = path.join(os.tmpdir(), `nodego-ow-init-${process.pid}-${kind}.strace`);
  const runtime = spawn(
    'strace',
    ['-f', '-ttt', '-qq', '--seccomp-bpf', '-e', 'trace=execve,exit_group,accept4', '-o', trace, process.execPath, path.join(root, 'dist', 'cli', 'main.js'), 'emulate', 'openwhisk', '--port', String(port)],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let err = '';
  runtime.stderr.on('data', (d) => (err += d));
  while (!err.includes('"port"')) await sleep(5);
  const body = JSON.stringify({ value: { binary: true, main: 'main', code: fs.readFileSync(bin(`ow-node-runtime/${kind}.zip`)).toString('base64') } });
  const res = await fetch(`http://127.0.0.1:${port}/init`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  // The answer's arrival, on strace's clock (the wall clock): tracing the
  // writes would stop unzip on each of its own.
  const answered = (performance.timeOrigin + performance.now()) / 1000;
  if (res.status !== 200) throw new Error(`${kind} /init: ${res.status} ${await res.text()}`);
  await sleep(200);
  process.kill(-runtime.pid, 'SIGKILL');
  await sleep(100);
  const lines = fs.readFileSync(trace, 'utf8').split('\n');
  fs.rmSync(trace, { force: true });
  const t = (line) => Number(line.split(/\s+/)[1]);
  const accepted = lines.find((l) => /accept4\(.*\) = \d+$/.test(l));
  const start = t(accepted);
  const after = (test) => {
    const line = lines.find((l) => t(l) >= start && test(l));
    return line ? t(line) : NaN;
  };
  const firstMktemp = after((l) => l.includes('execve("/usr/bin/mktemp"') || /execve\("[^"]*mktemp"/.test(l));
  const unzipStart = after((l) => /execve\("[^"]*unzip"/.test(l));
  const unzipPid = lines.find((l) => /execve\("[^"]*unzip"/.test(l))?.split(/\s+/)[0];
  const unzipDone = after((l) => l.startsWith(`${unzipPid} `) && l.includes('exit_group'));
  const execGo = after((l) => /execve\("[^"]*bin\/function"/.test(l));
  const ms = (a, b) => (b - a) * 1000;
  const out = {
    'body read and parsed': ms(start, firstMktemp),
    'archive written, unpacked (mktemp x2, write, unzip)': ms(firstMktemp, unzipDone),
    'of which unzip': ms(unzipStart, unzipDone),
  };
  if (kind === 'go') {
    out['nodego loaded, the swap, to execve'] = ms(unzipDone, execGo);
    out['Go start to the /init answer'] = ms(execGo, answered);
  } else {
    out['the action loaded, to the /init answer'] = ms(unzipDone, answered);
  }
  out.total = ms(start, answered);
  return out;
}

async function main() {
  build();
  await prepareNodeRuntimeActions();
  const sizes = Object.fromEntries(['node', 'go'].map((k) => [k, fs.statSync(bin(`ow-node-runtime/${k}.zip`)).size]));
  const tables = [];
  for (const kind of ['node', 'go']) {
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await once(kind));
    const keys = Object.keys(rounds[0]);
    const row = (k) => `| ${k} | ${median(rounds.map((r) => r[k])).toFixed(1)} | ${Math.min(...rounds.map((r) => r[k])).toFixed(1)}-${Math.max(...rounds.map((r) => r[k])).toFixed(1)} |`;
    tables.push(`### ${kind === 'go' ? 'Go action (nodego)' : 'Node.js action'}: zip ${sizes[kind] < 1e5 ? `${sizes[kind]} bytes` : `${(sizes[kind] / 1e6).toFixed(2)} MB`}\n\n| part of /init | median ms | range |\n|---|---|---|\n${keys.map(row).join('\n')}`);
    log(tables.at(-1));
  }
  const text = `# Where the Node.js runtime's /init of a Go action goes

Written by \`npm run bench:ow-init\` on ${new Date().toISOString()} (Node ${process.version}, ${ROUNDS} fresh runtimes
per action): \`nodego emulate openwhisk\`, which unpacks as the runtime does (\`mktemp -d\`, the archive
written from base64, \`unzip -qq\`), given the same action as a Node.js action and as a Go action packaged by
\`nodego package --target openwhisk\` (a stripped binary, as \`nodego build\` makes it). From the runtime
process's child processes and execve as strace (\`--seccomp-bpf\`, nothing else traced) sees them, from the
accept of the /init connection to the answer's arrival at the client.

${tables.join('\n\n')}

- **body read and parsed**: the base64 zip in JSON (4/3 of the zip), read and parsed before anything else.
- **archive written, unpacked**: the runtime's two \`mktemp\` processes, the archive decoded and written,
  \`unzip\`. \`unzip\` inflates the binary, most of the zip: it grows with the binary's size.
- **nodego loaded, the swap**: \`require\` of the action (index.js, nodego, its addon), the host found,
  the quiet point and the plan, to \`execve\`.
- **Go start to the answer**: the kernel's execve, the Go runtime's start, the hand-off received, the
  replayed /init answered.

The body and the unpacking are the runtime's work on a binary of megabytes, where a Node.js action is
kilobytes; nodego's own part is the last two rows.
`;
  fs.writeFileSync(path.join(root, 'docs', 'ow-init-breakdown.md'), text);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
