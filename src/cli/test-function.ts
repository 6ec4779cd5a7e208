// `nodego test`: build, go test, then the function for real: its host (the
// Functions Framework) started as the platform starts it, one real request
// of its kind (a binary-mode CloudEvent for cloudevent functions), and a
// report of who answered.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { resolveBinary } from '../binary.js';
import { hostCommand, readFunctionDir, type FunctionDir } from './function-dir.js';
import { goBuild, goWork } from './go-build.js';

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

function send(port: number, probe: Probe): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: probe.method, path: '/', headers: probe.headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(probe.body);
  });
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
  if (fn.pkg.dependencies?.['@google-cloud/functions-framework'] && !fn.framework) {
    process.stderr.write('nodego test: @google-cloud/functions-framework is not installed here: run npm install\n');
    return 1;
  }
  const port = await freePort();
  const host = spawn(process.execPath, hostCommand(fn, port), { cwd: fn.dir, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'inherit', 'inherit'] });
  const probe = probeFor(fn);
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (host.exitCode !== null) {
        process.stderr.write(`nodego test: the host exited (${host.exitCode}) before it answered\n`);
        return 1;
      }
      const started = Date.now();
      const status = await send(port, probe).catch(() => 0);
      if (status !== 0) {
        const elapsed = Date.now() - started;
        const exe = fs.readlinkSync(`/proc/${host.pid}/exe`);
        const byGo = exe === resolveBinary(fn.dir);
        const ok = status >= 200 && status < 300 && byGo;
        process.stdout.write(
          `nodego test: ${ok ? 'ok' : 'FAIL'}: ${fn.signatureType} function "${fn.target}" answered ${probe.what} with ${status} in ${elapsed} ms, ` +
            `${byGo ? `from Go (${path.relative(fn.dir, exe)}, pid ${host.pid})` : `but not from Go (${exe})`}\n`,
        );
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
