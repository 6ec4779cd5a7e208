// `nodego test`: build, go test, then the function for real: its host (the
// Functions Framework) started as the platform starts it, one real request
// of its kind (a binary-mode CloudEvent for cloudevent functions), and a
// report of who answered.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { resolveBinary } from '../binary.js';
import { hostCommand, hostEnv, readFunctionDir, type FunctionDir } from './function-dir.js';
import { goArch } from '../arch.js';
import { goBuild, goWork } from './go-build.js';
import { packageFunction } from './package.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

interface Probe {
  method: string;
  headers: Record<string, string>;
  body?: string;
  what: string;
}

function probeFor(fn: FunctionDir): Probe {
  switch (fn.signatureType) {
    case 'cloudevent':
      // Binary mode (CloudEvents HTTP binding 1.0): the attributes as ce-*
      // headers, the data as the body.
      return {
        method: 'POST',
        headers: {
          'ce-specversion': '1.0',
          'ce-id': randomUUID(),
          'ce-type': 'dev.nodego.test',
          'ce-source': '/nodego/test',
          'ce-time': new Date().toISOString(),
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ hello: 'world' }),
        what: 'a CloudEvent (binary mode)',
      };
    case 'event':
      return {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          context: {
            eventId: 'nodego-test-1',
            timestamp: new Date().toISOString(),
            eventType: 'google.pubsub.topic.publish',
            resource: { service: 'pubsub.googleapis.com', name: 'projects/nodego/topics/test', type: 'type.googleapis.com/google.pubsub.v1.PubsubMessage' },
          },
          data: { '@type': 'type.googleapis.com/google.pubsub.v1.PubsubMessage', data: Buffer.from('nodego test').toString('base64') },
        }),
        what: 'a Pub/Sub legacy event',
      };
    default:
      return { method: 'GET', headers: {}, what: 'GET /' };
  }
}

function send(port: number, probe: Probe, route = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: probe.method, path: route, headers: probe.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(probe.body);
  });
}

const json = (value: unknown, what: string): Probe => {
  const body = JSON.stringify(value);
  return { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }, body, what };
};

/** Who runs as pid now: the function's Go binary (that file, or a copy of it unpacked by the host), or something else. */
function servedBy(fn: FunctionDir, pid: number): { byGo: boolean; text: string } {
  const exe = fs.readlinkSync(`/proc/${pid}/exe`);
  const binary = resolveBinary(fn.dir);
  const digest = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  const byGo = exe === binary || (fs.existsSync(exe) && fs.statSync(exe).size === fs.statSync(binary).size && digest(exe) === digest(binary));
  return { byGo, text: byGo ? `from Go (${path.relative(fn.dir, binary)}, pid ${pid})` : `but not from Go (${exe})` };
}

/** Resolves once something accepts connections on port. */
async function accepting(port: number, child: { exitCode: number | null }, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return true;
    if (Date.now() > deadline || child.exitCode !== null) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * An OpenWhisk action: packaged as for the platform, given to the Node.js
 * runtime (nodego's stand-in) with /init, then one /run.
 */
async function testAction(fn: FunctionDir): Promise<number> {
  const zip = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-test-')), 'action.zip');
  const port = await freePort();
  let runtime: ReturnType<typeof spawn> | undefined;
  try {
    await packageFunction({ dir: fn.dir, target: 'openwhisk', arch: goArch(), out: zip });
    runtime = spawn(process.execPath, [path.join(__dirname, 'main.js'), 'emulate', 'openwhisk', '--port', String(port)], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (!(await accepting(port, runtime))) {
      process.stderr.write('nodego test: the OpenWhisk runtime did not start\n');
      return 1;
    }
    const started = Date.now();
    const init = await send(port, json({ value: { main: 'main', binary: true, code: fs.readFileSync(zip).toString('base64') } }, '/init'), '/init');
    if (init.status !== 200) {
      process.stdout.write(`nodego test: FAIL: /init answered ${init.status} ${init.body}\n`);
      return 1;
    }
    const run = await send(port, json({ value: { name: 'nodego' } }, '/run'), '/run');
    const who = servedBy(fn, runtime.pid!);
    const ok = run.status === 200 && who.byGo;
    process.stdout.write(
      `nodego test: ${ok ? 'ok' : 'FAIL'}: action answered /init with 200, then /run with ${run.status} ${run.body.trim()} in ${Date.now() - started} ms, ${who.text}\n`,
    );
    return ok ? 0 : 1;
  } finally {
    runtime?.kill('SIGTERM');
    fs.rmSync(path.dirname(zip), { recursive: true, force: true });
  }
}

export async function testFunction(dirArg: string): Promise<number> {
  const fn = readFunctionDir(dirArg);
  const built = goBuild({ dir: fn.dir });
  if (!built.ok) {
    process.stderr.write(`nodego test: the Go build failed${built.output ? `:\n${built.output}` : ''}\n`);
    return 1;
  }
  if (spawnSync('go', ['test', './...'], { cwd: fn.dir, stdio: 'inherit', env: { ...process.env, GOWORK: goWork(fn.dir) } }).status !== 0) {
    process.stderr.write('nodego test: go test failed\n');
    return 1;
  }
  if (fn.openwhisk) return testAction(fn);
  if (fn.firebase) {
    // Its host is firebase-tools' emulator, which the function's own test
    // script drives (firebase emulators:exec): nothing generic to probe here.
    process.stdout.write('nodego test: built, functions.yaml written, go test passed; run the functions under the Firebase emulator with `npm test` (firebase emulators:exec)\n');
    return 0;
  }
  if (fn.pkg.dependencies?.['@google-cloud/functions-framework'] && !fn.framework) {
    process.stderr.write('nodego test: @google-cloud/functions-framework is not installed here: run npm install\n');
    return 1;
  }
  const port = await freePort();
  const host = spawn(process.execPath, hostCommand(fn, port), { cwd: fn.dir, env: hostEnv(fn, port), stdio: ['ignore', 'inherit', 'inherit'] });
  const probe = probeFor(fn);
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (host.exitCode !== null) {
        process.stderr.write(`nodego test: the host exited (${host.exitCode}) before it answered\n`);
        return 1;
      }
      const started = Date.now();
      const { status } = await send(port, probe).catch(() => ({ status: 0 }));
      if (status !== 0) {
        const elapsed = Date.now() - started;
        const who = servedBy(fn, host.pid!);
        const ok = status >= 200 && status < 300 && who.byGo;
        process.stdout.write(`nodego test: ${ok ? 'ok' : 'FAIL'}: ${fn.signatureType} function "${fn.target}" answered ${probe.what} with ${status} in ${elapsed} ms, ${who.text}\n`);
        return ok ? 0 : 1;
      }
      if (Date.now() > deadline) {
        process.stderr.write('nodego test: no answer within 15 s\n');
        return 1;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    host.kill('SIGTERM');
  }
}
