// A Go function behind the real Node.js Functions Framework: it swaps at
// require time, Go binds the port with the framework's own resolution of
// flags and variables, and the contract holds, bad input included.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HTTP, CloudEvent, emitterFor, httpTransport } from 'cloudevents';
import { afterEach, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { Framework, freePort, startFramework } from './helpers/functions-framework.js';
import { hostNode, repoRoot } from './helpers/host.js';
import { eventually, request } from './helpers/http-client.js';

const fffuncs = path.join(repoRoot, 'test', 'fixtures', 'go', 'fffuncs');
const nodeFuncs = path.join(repoRoot, 'test', 'fixtures', 'ff-node');
const goEnv = { FFFUNCS_BINARY: bin('fffuncs') };

const running: Framework[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((f) => f.stop()));
});
const start = async (dir: string, args: string[], env: Record<string, string> = {}, port?: number) => {
  const f = await startFramework(dir, args, env, port);
  running.push(f);
  return f;
};
const exeOf = (pid: number) => fs.readlinkSync(`/proc/${pid}/exe`);

describe('the Functions Framework host', () => {
  it('serves a Go HTTP function from the framework process itself (examples/hello-http)', async () => {
    execFileSync(hostNode, [path.join(repoRoot, 'dist', 'cli', 'main.js'), 'build', 'examples/hello-http'], { cwd: repoRoot });
    const f = await start(path.join(repoRoot, 'examples', 'hello-http'), ['--target', 'hello']);
    const reply = await request({ host: '127.0.0.1', port: f.port, path: '/?name=Ada' });
    expect([reply.status, reply.body]).toEqual([200, 'Hello, Ada!\n']);
    expect(exeOf(f.pid)).toBe(path.join(repoRoot, 'examples', 'hello-http', 'bin', 'function'));
    expect((await request({ host: '127.0.0.1', port: f.port, path: '/favicon.ico' })).status).toBe(404);
  });

  it('passes the framework its flags with its own precedence: --port over PORT, --target over FUNCTION_TARGET', async () => {
    const [flagPort, envPort] = [await freePort(), await freePort()];
    const f = await start(fffuncs, ['--target', 'echo', '--port', String(flagPort)], { ...goEnv, PORT: String(envPort), FUNCTION_TARGET: 'nosuch' }, flagPort);
    const reply = await request({ host: '127.0.0.1', port: flagPort, path: '/p', method: 'POST', body: 'x', headers: { 'Content-Type': 'text/plain' } });
    expect(reply.body).toBe('go POST /p x');
    expect(reply.headers['x-pid']).toBe(String(f.pid));
  });

  it('does not swap when a build step only requires the module (the buildpack warming its bytecode cache)', () => {
    const script = `require(${JSON.stringify(path.join(fffuncs, 'index.js'))}); console.log('still node', process.pid);`;
    const out = execFileSync(hostNode, ['-e', script], { env: { ...process.env, ...goEnv }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toMatch(/^still node \d+/);
  });

  it('a CloudEvent from the cloudevents SDK, binary and structured mode, reaches the Go function', async () => {
    const f = await start(fffuncs, ['--target', 'ce', '--signature-type', 'cloudevent'], goEnv);
    const url = `http://127.0.0.1:${f.port}/`;
    for (const mode of [HTTP.binary, HTTP.structured]) {
      const ce = new CloudEvent({ type: 'com.example.test', source: '/nodego/test', data: { hello: 'world' } });
      const message = mode(ce);
      const reply = await request({
        host: '127.0.0.1',
        port: f.port,
        method: 'POST',
        path: '/',
        headers: message.headers as Record<string, string>,
        body: message.body as string,
      });
      expect(reply.status).toBe(204);
      await eventually(async () => f.stderr, (s) => s.includes(`ce ${ce.id} com.example.test`));
    }
    // And through the SDK's own emitter.
    const emit = emitterFor(httpTransport(url));
    await emit(new CloudEvent({ type: 'com.example.emitted', source: '/nodego/test', data: {} }));
    await eventually(async () => f.stderr, (s) => s.includes('com.example.emitted'));
  });

  it('drains in-flight requests on SIGTERM before it exits', async () => {
    const f = await start(fffuncs, ['--target', 'slow'], goEnv);
    const inFlight = request({ host: '127.0.0.1', port: f.port, path: '/' });
    await new Promise((r) => setTimeout(r, 200));
    f.proc.kill('SIGTERM');
    expect((await inFlight).body).toBe('slow done');
    expect(await f.exited).toBe(0);
  });

  it('LOG_EXECUTION_ID=true writes structured logs labelled with Function-Execution-Id', async () => {
    const f = await start(fffuncs, ['--target', 'logs'], { ...goEnv, LOG_EXECUTION_ID: 'true' });
    const reply = await request({ host: '127.0.0.1', port: f.port, path: '/', headers: { 'Function-Execution-Id': 'exec-42', 'X-Cloud-Trace-Context': 'abc123/777;o=1' } });
    expect(reply.body).toBe('exec-42');
    const lines = await eventually(
      async () => f.stdout.split('\n').filter((l) => l.includes('exec-42')),
      (l) => l.length >= 2,
    );
    const entries = lines.map((l) => JSON.parse(l));
    expect(entries).toContainEqual({ message: 'a line from the function', 'logging.googleapis.com/labels': { execution_id: 'exec-42' }, 'logging.googleapis.com/spanId': '777' });
    expect(entries).toContainEqual({ message: 'a line through functions.Logger', 'logging.googleapis.com/labels': { execution_id: 'exec-42' }, 'logging.googleapis.com/spanId': '777' });
    // A request without the header gets an id made up for it.
    expect((await request({ host: '127.0.0.1', port: f.port, path: '/' })).body).toMatch(/^[\w-]{12}$/);
  });

  it('CLOUD_RUN_TIMEOUT_SECONDS: a handler that never returns is answered 408 crash, and the process keeps serving', async () => {
    const f = await start(fffuncs, ['--target', 'hang', '--timeout', '1'], goEnv);
    const hung = await request({ host: '127.0.0.1', port: f.port, path: '/?hang=1' });
    expect([hung.status, hung.headers['x-google-status']]).toEqual([408, 'crash']);
    expect(hung.body).toMatch(/finished with status: 'timeout'/);
    expect((await request({ host: '127.0.0.1', port: f.port, path: '/' })).body).toBe('fine');
  });

  it('an unknown signature type is refused before anything runs, as the framework does', async () => {
    let failure = '';
    try {
      execFileSync(hostNode, [path.join(repoRoot, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js'), '--source', fffuncs, '--target', 'echo', '--signature-type', 'bogus'], {
        env: { ...process.env, ...goEnv },
        stdio: 'pipe',
      });
    } catch (err) {
      failure = String((err as { stderr: Buffer }).stderr);
    }
    expect(failure).toMatch(/Function signature type must be one of: http, event, cloudevent\./);
    // The Go runtime, started alone, says the same.
    let goFailure = '';
    try {
      execFileSync(bin('fffuncs'), [], { env: { ...process.env, FUNCTION_SIGNATURE_TYPE: 'bogus', FUNCTION_TARGET: 'echo', PORT: '0' }, stdio: 'pipe' });
    } catch (err) {
      goFailure = String((err as { stderr: Buffer }).stderr);
    }
    expect(goFailure).toMatch(/Function signature type must be one of: http, event, cloudevent\./);
  });
});

describe('bad input: the Go runtime answers as the Node framework does', () => {
  type Probe = { name: string; target: string; signature: string; method?: string; headers?: Record<string, string>; body?: string };
  const probes: Probe[] = [
    { name: 'malformed JSON to an HTTP function', target: 'echo', signature: 'http', headers: { 'Content-Type': 'application/json' }, body: '{bad' },
    { name: 'a panicking (throwing) HTTP function', target: 'panic', signature: 'http' },
    { name: 'malformed JSON to a CloudEvent function', target: 'ce', signature: 'cloudevent', headers: { 'Content-Type': 'application/json' }, body: '{bad' },
    { name: 'a failing CloudEvent function', target: 'ce', signature: 'cloudevent', headers: { 'Content-Type': 'application/cloudevents+json' }, body: '{"specversion":"1.0","type":"t","source":"s","id":"1","data":{"fail":1}}' },
    { name: 'malformed JSON to an event function', target: 'ev', signature: 'event', headers: { 'Content-Type': 'application/json' }, body: '{bad' },
    { name: 'a failing event function', target: 'ev', signature: 'event', headers: { 'Content-Type': 'application/json' }, body: '{"data":{"fail":1},"context":{"eventId":"1"}}' },
    { name: 'a legacy event without context', target: 'ev', signature: 'event', headers: { 'Content-Type': 'application/json' }, body: '{"data":{"x":1},"eventId":"1","eventType":"t","resource":"r","timestamp":"2020-01-01T00:00:00Z"}' },
    { name: 'PUT to an event function', target: 'ev', signature: 'event', method: 'PUT', body: '{}' },
  ];
  for (const p of probes) {
    it(p.name, async () => {
      const args = ['--target', p.target, '--signature-type', p.signature];
      const [go, node] = await Promise.all([start(fffuncs, args, goEnv), start(nodeFuncs, args)]);
      const ask = (f: Framework) =>
        request({ host: '127.0.0.1', port: f.port, agent: false, method: p.method ?? 'POST', path: '/', headers: p.headers ?? {}, ...(p.body ? { body: p.body } : {}) });
      const [fromGo, fromNode] = [await ask(go), await ask(node)];
      expect(exeOf(go.pid)).toBe(bin('fffuncs'));
      expect([fromGo.status, fromGo.headers['x-google-status']]).toEqual([fromNode.status, fromNode.headers['x-google-status']]);
      // And both go on serving.
      expect((await ask(go)).status).toBe(fromGo.status);
    });
  }

  it('a CloudEvent missing required attributes: 400 (the Node framework passes it on unchecked; a Go CloudEvent cannot hold it)', async () => {
    const go = await start(fffuncs, ['--target', 'ce', '--signature-type', 'cloudevent'], goEnv);
    const reply = await request({ host: '127.0.0.1', port: go.port, method: 'POST', path: '/', headers: { 'Content-Type': 'application/json' }, body: '{"data":{"a":1}}' });
    expect([reply.status, reply.headers['x-google-status']]).toEqual([400, 'crash']);
    expect(reply.body).toMatch(/lacks required attributes: specversion, id, source, type/);
  });
});
