// Go functions under the real Firebase functions emulator (firebase-tools
// from npm, offline, demo project), beside Node.js functions written with
// firebase-functions doing the same: the emulator discovers the Go
// functions from their manifest, its runtime processes become the Go binary
// (same PID), and every callable request answers as the Node SDK does.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childrenOf, type Emulator, startEmulator } from './helpers/firebase.js';
import { freePort } from './helpers/functions-framework.js';
import { hostNode, repoRoot } from './helpers/host.js';

const goSource = path.join(repoRoot, 'examples', 'firebase', 'functions');
const nodeSource = path.join(repoRoot, 'test', 'fixtures', 'firebase-node');
const goBinary = path.join(goSource, 'bin', 'function');
const sdkDiscovery = path.join(repoRoot, 'node_modules', 'firebase-functions', 'lib', 'bin', 'firebase-functions.js');

let emulator: Emulator;

beforeAll(async () => {
  execFileSync(hostNode, [path.join(repoRoot, 'dist', 'cli', 'main.js'), 'build', goSource], { stdio: 'pipe' });
  emulator = await startEmulator([
    { name: 'go', source: goSource },
    { name: 'node', source: nodeSource },
  ]);
}, 180_000);

afterAll(async () => {
  await emulator?.stop();
});

interface Answer {
  status: number;
  type: string | null;
  vary: string | null;
  allowOrigin: string | null;
  allowMethods: string | null;
  body: unknown;
}

async function answer(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  if (res.headers.get('content-type')?.startsWith('application/json')) body = JSON.parse(text);
  else if (text.startsWith('data: ')) body = { sse: text.split('\n\n').filter(Boolean).map((e) => JSON.parse(e.slice('data: '.length)) as unknown) };
  else if (res.headers.get('content-type')?.startsWith('text/html')) body = '(an HTML error page)';
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    vary: res.headers.get('vary'),
    allowOrigin: res.headers.get('access-control-allow-origin'),
    allowMethods: res.headers.get('access-control-allow-methods'),
    body,
  };
}

const json = { 'content-type': 'application/json' };
// An unsigned ID token, as the emulator's clients send: accepted unverified there.
const unsignedToken = (claims: object) =>
  `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

const callableCases: Array<[string, RequestInit]> = [
  ['a valid call', { method: 'POST', headers: json, body: '{"data":{"a":1,"b":2}}' }],
  ['no data', { method: 'POST', headers: json, body: '{}' }],
  ['data and an extra field', { method: 'POST', headers: json, body: '{"data":{"a":1,"b":2},"x":2}' }],
  ['data: null', { method: 'POST', headers: json, body: '{"data":null}' }],
  ['a body that is not JSON', { method: 'POST', headers: json, body: 'notjson' }],
  ['a form-encoded body', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '{"data":1}' }],
  ['GET', { method: 'GET' }],
  ['an error the handler returns as is', { method: 'POST', headers: json, body: '{"data":{"deny":true}}' }],
  ['a handler that fails (Go panics, Node throws)', { method: 'POST', headers: json, body: '{"data":{"boom":true}}' }],
  [
    'an Int64Value in the data',
    { method: 'POST', headers: json, body: '{"data":{"a":{"@type":"type.googleapis.com/google.protobuf.Int64Value","value":"5"},"b":2}}' },
  ],
  ['an Authorization that is not Bearer', { method: 'POST', headers: { ...json, authorization: 'Basic x' }, body: '{"data":{"a":1,"b":2}}' }],
  [
    'an unsigned ID token and App Check token',
    {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${unsignedToken({ sub: 'ada', aud: 'demo-nodego' })}`, 'x-firebase-appcheck': unsignedToken({ sub: 'app-1' }) },
      body: '{"data":{"a":1,"b":2}}',
    },
  ],
  ['JSON with a charset, the type in capitals', { method: 'POST', headers: { 'content-type': 'Application/JSON; charset=utf-8' }, body: '{"data":{"a":1,"b":2}}' }],
  ['a top-level array', { method: 'POST', headers: json, body: '[{"data":1}]' }],
  [
    'an Int64Value that is not a number',
    { method: 'POST', headers: json, body: '{"data":{"a":{"@type":"type.googleapis.com/google.protobuf.Int64Value","value":"x"},"b":2}}' },
  ],
  ['an empty Bearer token', { method: 'POST', headers: { ...json, authorization: 'Bearer ' }, body: '{"data":{"a":1,"b":2}}' }],
  ['a streaming client (Accept: text/event-stream)', { method: 'POST', headers: { ...json, accept: 'text/event-stream' }, body: '{"data":{"a":1,"b":2}}' }],
  ['a streaming client with no data', { method: 'POST', headers: { ...json, accept: 'text/event-stream' }, body: '{}' }],
  ['a CORS preflight', { method: 'OPTIONS', headers: { origin: 'https://example.com', 'access-control-request-method': 'POST' } }],
  ['a call from another origin', { method: 'POST', headers: { ...json, origin: 'https://example.com' }, body: '{"data":{"a":1,"b":2}}' }],
];

describe('Go functions under the Firebase emulator', () => {
  it('discovers every Go function from the manifest nodego build wrote', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(goSource, 'functions.yaml'), 'utf8')) as { endpoints: Record<string, unknown> };
    expect(Object.keys(manifest.endpoints).sort()).toEqual(['add', 'hello', 'onNews', 'onUpload', 'onUser', 'tick']);
    const loaded = /Loaded functions definitions from source: ([^\n]*)\./.exec(emulator.output)?.[1].split(', ');
    expect(loaded?.sort()).toEqual(['add', 'hello', 'onNews', 'onUpload', 'onUser', 'tick']);
    for (const id of Object.keys(manifest.endpoints)) expect(emulator.output).toContain(`functions[us-central1-${id}]`);
    expect(emulator.output).toMatch(/http function initialized \(http:\/\/127\.0\.0\.1:\d+\/demo-nodego\/us-central1\/hello\)/);
  });

  it('answers the HTTP function from Go, in the process the emulator started, and shows its log line', async () => {
    const res = await fetch(emulator.url('hello', '?name=Firebase'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('Hello, Firebase!\n');
    const goChildren = childrenOf(emulator.proc.pid!).filter((c) => c.exe === goBinary);
    expect(goChildren.length).toBeGreaterThan(0);
    await emulator.waitFor(/>\s+hello: greeting "Firebase"/);
    // the Node function logs the same lines the same way: console.log's, and the logger's JSON entry
    await fetch(emulator.url('nodeHello', '?name=Firebase'));
    await emulator.waitFor(/>\s+hello: greeting "Firebase"[\s\S]*>\s+hello: greeting "Firebase"/);
    await emulator.waitFor(/(>\s+\{[^\n]*"greeted"[^\n]*\}[\s\S]*){2}/);
    const entries = [...emulator.output.matchAll(/>\s+(\{[^\n]*"greeted"[^\n]*\})/g)].map((m) => JSON.parse(m[1]) as unknown);
    expect(entries).toEqual([
      { severity: 'INFO', message: 'greeted', name: 'Firebase' },
      { severity: 'INFO', message: 'greeted', name: 'Firebase' },
    ]);
  });

  for (const [name, init] of callableCases) {
    it(`answers a callable request as the Node SDK does: ${name}`, async () => {
      const node = await answer(emulator.url('nodeAdd'), init);
      const go = await answer(emulator.url('add'), init);
      expect(node.status, 'the Node function answered').not.toBe(404);
      expect(go).toEqual(node);
    });
  }

  it('keeps serving after a handler panics, in the same process', async () => {
    const before = childrenOf(emulator.proc.pid!).filter((c) => c.exe === goBinary);
    const boom = await answer(emulator.url('add'), { method: 'POST', headers: json, body: '{"data":{"boom":true}}' });
    expect(boom).toMatchObject({ status: 500, body: { error: { status: 'INTERNAL', message: 'INTERNAL' } } });
    const ok = await answer(emulator.url('add'), { method: 'POST', headers: json, body: '{"data":{"a":2,"b":3}}' });
    expect(ok).toMatchObject({ status: 200, body: { result: { sum: 5 } } });
    const after = childrenOf(emulator.proc.pid!).filter((c) => c.exe === goBinary);
    expect(after.map((c) => c.pid).sort()).toEqual(before.map((c) => c.pid).sort());
  });
});

// Without functions.yaml, firebase-tools asks the firebase-functions SDK's
// own program: it loads the function inside its GET /__/functions.yaml (a
// request in flight: nodego hands it to Go with the listener), or, given
// FUNCTIONS_MANIFEST_OUTPUT_PATH, before anything listens.
describe("the firebase-functions SDK's discovery, answered by Go", () => {
  const written = () => JSON.parse(fs.readFileSync(path.join(goSource, 'functions.yaml'), 'utf8')) as unknown;

  it('serves /__/functions.yaml from the request that loaded the function, then stops on /__/quitquitquit', async () => {
    const port = await freePort();
    const proc = spawn(hostNode, [sdkDiscovery, goSource], {
      cwd: goSource,
      env: { ...process.env, FUNCTIONS_CONTROL_API: 'true', PORT: String(port) },
      stdio: 'pipe',
    });
    let output = '';
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    try {
      let res: Response | undefined;
      for (let i = 0; i < 100 && !res; i++) {
        res = await fetch(`http://127.0.0.1:${port}/__/functions.yaml`).catch(() => undefined);
        if (!res) await new Promise((r) => setTimeout(r, 100));
      }
      expect(res?.status, output).toBe(200);
      expect(res!.headers.get('content-type')).toBe('text/yaml');
      expect(JSON.parse(await res!.text())).toEqual(written());
      expect(fs.readlinkSync(`/proc/${proc.pid}/exe`)).toBe(goBinary);
      const quit = await fetch(`http://127.0.0.1:${port}/__/quitquitquit`);
      expect(await quit.text()).toBe('ok');
      expect(await exited).toBe(0);
    } finally {
      proc.kill('SIGKILL');
    }
  });

  it('writes the manifest where FUNCTIONS_MANIFEST_OUTPUT_PATH says, and exits 0', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-fb-manifest-')), 'functions.yaml');
    execFileSync(hostNode, [sdkDiscovery, goSource], {
      cwd: goSource,
      env: { ...process.env, FUNCTIONS_CONTROL_API: 'true', FUNCTIONS_MANIFEST_OUTPUT_PATH: out },
      stdio: 'pipe',
    });
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual(written());
  });
});
