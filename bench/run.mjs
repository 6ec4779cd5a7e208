#!/usr/bin/env node
// npm run bench [-- --quick]: nodego against what a user would run instead,
// side by side in one run on one machine. Every contender serves the same Go
// handler (or, for the pure Node one, the same bytes) on one core (taskset
// -c 0); the load generator has the other (-c 1). Runs are interleaved in a
// shuffled order and repeated; the report gives medians, spreads and ratios.
// Writes docs/benchmarks.json, docs/benchmarks.md and docs/benchmarks.svg.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeReports } from './report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.argv.includes('--quick');
const REPEATS = QUICK ? 2 : 5;
const SECONDS = QUICK ? 2 : 8;
const CONNECTIONS = 64;
const binDir = path.join(root, '.bench-bin');
const bin = (n) => path.join(binDir, n);
const frameworkMain = path.join(root, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (s) => process.stderr.write(`${s}\n`);

function build() {
  fs.mkdirSync(binDir, { recursive: true });
  const go = (pkg, out, cwd = path.join(root, 'bench', 'go')) =>
    execFileSync('go', ['build', '-trimpath', '-o', bin(out), pkg], { cwd, env: { ...process.env, CGO_ENABLED: '0' }, stdio: 'inherit' });
  for (const p of ['loadgen', 'gohello', 'owhello', 'actionloop']) go(`./${p}`, p);
  go('./openwhisk/exec', 'ow-exec', path.join(root, 'examples'));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function pinned(core, command, args, options = {}) {
  return spawn('taskset', ['-c', String(core), command, ...args], { detached: true, ...options });
}

function kill(proc) {
  try {
    process.kill(-proc.pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/** GET / until it answers 200; ms from t0. */
async function firstAnswer(port, t0, timeoutMs = 20_000) {
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n'));
      let data = '';
      s.on('data', (d) => (data += d));
      s.on('end', () => resolve(data.startsWith('HTTP/1.1 200')));
      s.on('error', () => resolve(false));
    });
    if (ok) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`no answer on ${port}`);
    await sleep(1);
  }
}

function loadgen(port, seconds, connections = CONNECTIONS) {
  return new Promise((resolve, reject) => {
    const p = pinned(1, bin('loadgen'), ['-addr', `127.0.0.1:${port}`, '-c', String(connections), '-d', `${seconds}s`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`loadgen exited ${code}`))));
  });
}

/** Resident memory of pid and all its descendants, in MiB. */
function treeRssMiB(pid) {
  let kb = 0;
  const visit = (p) => {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      for (const t of fs.readdirSync(`/proc/${p}/task`)) {
        for (const c of fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').split(' ').filter(Boolean)) visit(c);
      }
    } catch {
      // exited
    }
  };
  visit(pid);
  return kb / 1024;
}

function readLines(proc) {
  const lines = [];
  proc.stdout?.on('data', (d) => lines.push(...String(d).split('\n').filter(Boolean)));
  return lines;
}

async function waitFor(lines, test, timeoutMs = 20_000) {
  const t0 = Date.now();
  for (;;) {
    const found = lines.find(test);
    if (found) return found;
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting for a host line');
    await sleep(2);
  }
}

const env = (port, extra = {}) => ({ ...process.env, PORT: String(port), BENCH_BINARY: bin('gohello'), FUNCTION_TARGET: 'hello', ...extra });

const CONTENDERS = [
  {
    id: 'nodego-plain',
    label: 'nodego, plain Node host',
    // Starts as Node; the swap happens under load, and is timed.
    async start(port) {
      const t0 = performance.now();
      const proc = pinned(0, process.execPath, [path.join(root, 'bench', 'hosts', 'plain-swap.js')], { env: env(port), stdio: ['ignore', 'pipe', 'inherit'] });
      const lines = readLines(proc);
      const coldStartMs = await firstAnswer(port, t0);
      const watcher = pinned(1, bin('loadgen'), ['-addr', `127.0.0.1:${port}`, '-watch'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const watched = readLines(watcher);
      await waitFor(watched, (l) => l === 'ready');
      const duringSwap = loadgen(port, 1.5);
      await sleep(400);
      process.kill(proc.pid, 'SIGUSR2');
      const swapAt = BigInt(JSON.parse(await waitFor(lines, (l) => l.startsWith('{"swapAt"'))).swapAt);
      const firstGo = BigInt(await waitFor(watched, (l) => /^\d+$/.test(l)));
      const load = await duringSwap;
      return { proc, coldStartMs, swapMs: Number(firstGo - swapAt) / 1e6, swapFailures: load.errors + load.non200, swapRequests: load.requests };
    },
  },
  {
    id: 'nodego-ff',
    label: 'nodego, Functions Framework host',
    async start(port) {
      const t0 = performance.now();
      const proc = pinned(0, process.execPath, [frameworkMain, '--source', path.join(root, 'bench', 'hosts', 'ff-nodego'), '--target', 'hello', '--port', String(port)], {
        env: env(port),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines = readLines(proc);
      const coldStartMs = await firstAnswer(port, t0);
      const t1 = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
      const swapAt = BigInt(JSON.parse(await waitFor(lines, (l) => l.startsWith('{"swapAt"'))).swapAt);
      return { proc, coldStartMs, swapToFirstAnswerMs: Number(t1 - swapAt) / 1e6 };
    },
  },
  {
    id: 'node-proxy',
    label: 'Node proxy to a Go child',
    async start(port) {
      const t0 = performance.now();
      const proc = pinned(0, process.execPath, [path.join(root, 'bench', 'hosts', 'proxy.js')], { env: env(port, { CHILD_PORT: String(await freePort()) }), stdio: 'ignore' });
      return { proc, coldStartMs: await firstAnswer(port, t0) };
    },
  },
  {
    id: 'node-ndjson',
    label: 'Node + Go child, NDJSON on stdio',
    async start(port) {
      const t0 = performance.now();
      const proc = pinned(0, process.execPath, [path.join(root, 'bench', 'hosts', 'ndjson.js')], { env: env(port), stdio: 'ignore' });
      return { proc, coldStartMs: await firstAnswer(port, t0) };
    },
  },
  {
    id: 'node-ff',
    label: 'pure Node function, Functions Framework',
    async start(port) {
      const t0 = performance.now();
      const proc = pinned(0, process.execPath, [frameworkMain, '--source', path.join(root, 'bench', 'hosts', 'ff-pure'), '--target', 'hello', '--port', String(port)], {
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: 'ignore',
      });
      return { proc, coldStartMs: await firstAnswer(port, t0) };
    },
  },
  {
    id: 'go-native',
    label: 'Go server started directly',
    async start(port) {
      const t0 = performance.now();
      const proc = pinned(0, bin('gohello'), [], { env: env(port), stdio: 'ignore' });
      return { proc, coldStartMs: await firstAnswer(port, t0) };
    },
  },
];

function shuffle(list) {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

async function openwhiskInitToRun(design) {
  const port = await freePort();
  const command = design === 'nodego' ? bin('ow-exec') : bin('actionloop');
  const proc = pinned(0, command, [], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  try {
    await firstAnswerPost(port);
    const code = fs.readFileSync(bin('owhello')).toString('base64');
    const t0 = performance.now();
    await post(port, '/init', JSON.stringify({ value: { binary: true, main: 'main', code } }));
    const run = await post(port, '/run', '{"value":{"name":"Mike"}}');
    const ms = performance.now() - t0;
    if (!run.includes('Hello, Mike')) throw new Error(`${design}: unexpected /run answer ${run}`);
    return ms;
  } finally {
    kill(proc);
  }
}

function post(port, route, body) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () =>
      s.write(`POST ${route} HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`),
    );
    let data = '';
    s.on('data', (d) => (data += d));
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
}

async function firstAnswerPost(port) {
  for (let i = 0; i < 5000; i++) {
    try {
      await post(port, '/run', '{}');
      return;
    } catch {
      await sleep(1);
    }
  }
  throw new Error('OpenWhisk proxy did not start');
}

function versions() {
  const out = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    date: new Date().toISOString(),
    node: process.version,
    go: out('go', ['version']),
    nodego: JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version,
    functionsFramework: JSON.parse(fs.readFileSync(path.join(root, 'node_modules', '@google-cloud', 'functions-framework', 'package.json'), 'utf8')).version,
    kernel: os.release(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    loadGenerator: `bench/go/loadgen (Go, ${CONNECTIONS} keep-alive connections, pinned to core 1)`,
  };
}

async function main() {
  log(`nodego bench: ${QUICK ? 'quick' : 'full'} run, ${REPEATS} rounds of ${SECONDS} s per contender`);
  build();
  const samples = Object.fromEntries(CONTENDERS.map((c) => [c.id, []]));
  for (let round = 1; round <= REPEATS; round++) {
    for (const c of shuffle(CONTENDERS)) {
      const port = await freePort();
      const started = await c.start(port);
      try {
        await loadgen(port, 0.5); // warm up
        const load = await loadgen(port, SECONDS);
        const rssMiB = treeRssMiB(started.proc.pid);
        const { proc, ...rest } = started;
        samples[c.id].push({ ...rest, ...load, rssMiB });
        log(`round ${round} ${c.id}: ${Math.round(load.rps)} req/s, p99 ${load.p99_ms} ms, ${rssMiB.toFixed(1)} MiB, errors ${load.errors}`);
      } finally {
        kill(started.proc);
        await sleep(100);
      }
    }
  }
  const openwhisk = { nodego: [], actionloop: [] };
  for (let round = 1; round <= REPEATS * 2; round++) {
    for (const design of shuffle(['nodego', 'actionloop'])) openwhisk[design].push(await openwhiskInitToRun(design));
  }
  log(`openwhisk /init to first /run: nodego ${openwhisk.nodego.map((x) => x.toFixed(1))}, actionloop ${openwhisk.actionloop.map((x) => x.toFixed(1))}`);
  const results = { versions: versions(), quick: QUICK, repeats: REPEATS, seconds: SECONDS, connections: CONNECTIONS, contenders: CONTENDERS.map(({ id, label }) => ({ id, label })), samples, openwhisk };
  const written = writeReports(root, results);
  log(`wrote ${written.join(', ')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
