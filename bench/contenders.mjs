// The contenders: what a user would run instead of nodego, and nodego under
// each host. Each is data: an id, a label, and how to start it on a port
// (what it measured while starting comes back beside the process).
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { bin, firstAnswer, freePort, frameworkMain, kill, loadgen, pinned, readLines, root, sleep, startEnv, waitFor } from './harness.mjs';

const env = (port, extra = {}) => ({ ...process.env, PORT: String(port), BENCH_BINARY: bin('gohello'), FUNCTION_TARGET: 'hello', ...extra });


/** The functions' node_modules/nodego, as npm install would make it: this checkout. */
export function linkNodego() {
  const link = path.join(root, 'bench', 'hosts', 'ff-preload', 'node_modules', 'nodego');
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.rmSync(link, { force: true });
  fs.symlinkSync(root, link);
}

/**
 * A function packaged for the fast start, as npm install leaves it on the
 * platform: node_modules/.bin/functions-framework is nodego's stand-in, and
 * bin/function the Go handler.
 */
export async function prepareFastStart() {
  const { fastStartFiles } = await import(path.join(root, 'dist', 'cli', 'fast-start.js'));
  const dir = bin('fast-start');
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of fastStartFiles('bin/function', 'bench')) {
    const target = path.join(dir, 'node_modules', '@google-cloud', 'functions-framework', path.basename(f.name));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, f.data, { mode: f.mode });
  }
  fs.mkdirSync(path.join(dir, 'node_modules', '.bin'));
  fs.symlinkSync('../@google-cloud/functions-framework/functions-framework', path.join(dir, 'node_modules', '.bin', 'functions-framework'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.copyFileSync(bin('gohello'), path.join(dir, 'bin', 'function'));
  fs.chmodSync(path.join(dir, 'bin', 'function'), 0o755);
}

/** How each contender starts for the cold-start runs: one launch, to its first 200. */
export const COLD_STARTS = [
  {
    id: 'node-ff',
    label: 'pure Node function, Functions Framework',
    start: (port) => pinned(0, process.execPath, [frameworkMain, '--source', path.join(root, 'bench', 'hosts', 'ff-pure'), '--target', 'hello', '--port', String(port)], { env: { ...process.env, NODE_ENV: 'production' }, stdio: 'ignore' }),
  },
  {
    id: 'nodego-ff',
    label: 'nodego, loaded by the framework (require)',
    start: (port) => pinned(0, process.execPath, [frameworkMain, '--source', path.join(root, 'bench', 'hosts', 'ff-nodego'), '--target', 'hello', '--port', String(port)], { env: env(port), stdio: 'ignore' }),
  },
  {
    id: 'nodego-preload',
    label: 'nodego, NODE_OPTIONS=--require=nodego/preload',
    start: (port) =>
      pinned(0, process.execPath, [frameworkMain, '--source', path.join(root, 'bench', 'hosts', 'ff-preload'), '--target', 'hello', '--port', String(port)], {
        cwd: path.join(root, 'bench', 'hosts', 'ff-preload'),
        env: env(port, { NODE_OPTIONS: '--require=nodego/preload', NODEGO_BINARY: bin('gohello') }),
        stdio: 'ignore',
      }),
  },
  {
    id: 'nodego-fast',
    label: 'nodego fast start (the buildpack\'s bash -c node_modules/.bin/functions-framework, no Node)',
    start: (port) =>
      pinned(0, '/bin/bash', ['-c', 'node_modules/.bin/functions-framework'], {
        cwd: bin('fast-start'),
        env: env(port, { FUNCTION_SIGNATURE_TYPE: 'http' }),
        stdio: 'ignore',
      }),
  },
  {
    id: 'go-native',
    label: 'Go server started directly',
    start: (port) => pinned(0, bin('gohello'), [], { env: env(port), stdio: 'ignore' }),
  },
];

export const CONTENDERS = [
  {
    id: 'nodego-plain',
    label: 'nodego, plain Node host',
    // Starts as Node; the swap happens under load, and is timed.
    async start(port) {
      const t0 = performance.now();
      const proc = pinned(0, process.execPath, [path.join(root, 'bench', 'hosts', 'plain-swap.js')], { env: env(port), stdio: ['ignore', 'pipe', 'inherit'] });
      readLines(proc); // drains its stdout
      const coldStartMs = await firstAnswer(port, t0);
      const watcher = pinned(1, bin('loadgen'), ['-addr', `127.0.0.1:${port}`, '-watch'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const watched = readLines(watcher);
      await waitFor(watched, (l) => l === 'ready');
      const duringSwap = loadgen(port, 1.5);
      await sleep(400);
      process.kill(proc.pid, 'SIGUSR2');
      const firstGo = BigInt(await waitFor(watched, (l) => /^\d+$/.test(l)));
      const swapAt = BigInt(startEnv(proc.pid, 'BENCH_SWAP_AT'));
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
    id: 'node-proxy-ff',
    label: 'Node proxy to a Go child, Functions Framework (as deployed)',
    async start(port) {
      const t0 = performance.now();
      const proc = pinned(0, process.execPath, [frameworkMain, '--source', path.join(root, 'bench', 'hosts', 'ff-proxy'), '--target', 'hello', '--port', String(port)], {
        env: env(port, { CHILD_PORT: String(await freePort()), NODE_ENV: 'production' }),
        stdio: 'ignore',
      });
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

/**
 * An idle swap: the plain host with no load but the watcher's one keep-alive
 * connection, polled back to back; SIGUSR2, then the first answer from Go.
 */
export async function idleSwap() {
  const port = await freePort();
  const proc = pinned(0, process.execPath, [path.join(root, 'bench', 'hosts', 'plain-swap.js')], { env: env(port), stdio: ['ignore', 'pipe', 'inherit'] });
  let watcher;
  try {
    readLines(proc); // drains its stdout
    await firstAnswer(port, performance.now());
    watcher = pinned(1, bin('loadgen'), ['-addr', `127.0.0.1:${port}`, '-watch'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const watched = readLines(watcher);
    await waitFor(watched, (l) => l === 'ready');
    await sleep(100);
    process.kill(proc.pid, 'SIGUSR2');
    const firstGo = BigInt(await waitFor(watched, (l) => /^\d+$/.test(l)));
    const swapAt = BigInt(startEnv(proc.pid, 'BENCH_SWAP_AT'));
    return Number(firstGo - swapAt) / 1e6;
  } finally {
    if (watcher) kill(watcher);
    kill(proc);
  }
}

// OpenWhisk: /init with a binary to the first /run, for nodego's
// self-replacing proxy and for the actionloop design (the upstream Go runtime's).
export const OPENWHISK_DESIGNS = ['nodego', 'actionloop'];

export async function openwhiskInitToRun(design) {
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

export function post(port, route, body) {
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

export async function firstAnswerPost(port) {
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


/**
 * The self-replacing proxy re-initialised again and again while 16 keep-alive
 * connections send /run back to back: every /run must be answered 200.
 */
export async function reinitUnderLoad(reinits, seconds) {
  const port = await freePort();
  const proc = pinned(0, bin('ow-exec'), [], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  try {
    await firstAnswerPost(port);
    const init = (name) => post(port, '/init', JSON.stringify({ value: { binary: true, code: fs.readFileSync(bin(name)).toString('base64') } }));
    await init('owhello');
    const load = loadgen(port, seconds, 16, ['-path', '/run', '-body', '{"value":{"name":"load"}}']);
    const gap = (seconds * 1000) / (reinits + 1);
    let done = 0;
    for (let i = 0; i < reinits; i++) {
      await sleep(gap);
      if ((await init('owhello')).startsWith('HTTP/1.1 200')) done++;
    }
    const result = await load;
    return { requests: result.requests, failures: result.errors + result.non200, reinits: done, firstError: result.first_error };
  } finally {
    kill(proc);
  }
}

/**
 * The OpenWhisk Node.js runtime (nodego's stand-in, which copies it): /init
 * of a Node.js action against /init of the same action in Go, packaged by
 * `nodego package --target openwhisk` (the swap happens during that /init),
 * each followed by one /run.
 */
export async function prepareNodeRuntimeActions() {
  const dir = bin('ow-node-runtime');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'go', 'bin'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'go', 'index.js'), "module.exports = require('nodego').start();\n");
  fs.writeFileSync(path.join(dir, 'go', 'package.json'), JSON.stringify({ name: 'go-action', version: '1.0.0', main: 'index.js' }));
  fs.copyFileSync(bin('owhello'), path.join(dir, 'go', 'bin', 'function'));
  fs.chmodSync(path.join(dir, 'go', 'bin', 'function'), 0o755);
  const cli = path.join(root, 'dist', 'cli', 'main.js');
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, [cli, 'package', path.join(dir, 'go'), '--target', 'openwhisk', '--arch', process.arch === 'arm64' ? 'arm64' : 'amd64', '--out', path.join(dir, 'go.zip')], { stdio: 'ignore' });
  const yazl = (await import('yazl')).default;
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('exports.main = (params) => ({ greetings: "Hello, " + params.name });\n'), 'index.js');
  zip.end();
  const chunks = [];
  for await (const c of zip.outputStream) chunks.push(c);
  fs.writeFileSync(path.join(dir, 'node.zip'), Buffer.concat(chunks));
}

export const NODE_RUNTIME_ACTIONS = ['node', 'go'];

/** One launch of the runtime, /init with the action's zip, one /run: the ms of each. */
export async function nodeRuntimeInit(kind) {
  const port = await freePort();
  const proc = pinned(0, process.execPath, [path.join(root, 'dist', 'cli', 'main.js'), 'emulate', 'openwhisk', '--port', String(port)], { stdio: 'ignore' });
  try {
    await firstAnswerPost(port);
    const code = fs.readFileSync(bin(`ow-node-runtime/${kind}.zip`)).toString('base64');
    const t0 = performance.now();
    const init = await post(port, '/init', JSON.stringify({ value: { binary: true, main: 'main', code } }));
    const t1 = performance.now();
    const run = await post(port, '/run', '{"value":{"name":"Mike"}}');
    const t2 = performance.now();
    if (!init.startsWith('HTTP/1.1 200') || !run.includes('Hello, Mike')) throw new Error(`${kind} action: ${init.split('\r\n')[0]} ${run.slice(-80)}`);
    return { initMs: t1 - t0, initToRunMs: t2 - t0 };
  } finally {
    kill(proc);
  }
}
