// A Go action on the OpenWhisk Node.js runtime answers as a Node.js action
// does: the same requests to a plain Node.js action and to a nodego action,
// both under the runtime's stand-in, give the same status, body, content
// type and end markers.
import * as http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeActionZip, startNodeRuntime, type ActionContainer } from './helpers/openwhisk.js';

// The Node.js action: an echo of its parameters, like the Go one (owaction's "echo").
const nodeEcho = { value: { main: 'main', code: 'function main(params) { return params; }' } };
const goEcho = () => ({ value: { main: 'echo', binary: true, code: nodeActionZip() } });

interface Answer {
  status: number;
  type: string | undefined;
  body: string;
  markers: [number, number];
}

let containers: ActionContainer[] = [];
afterEach(async () => {
  for (const c of containers) await c.stop();
  containers = [];
});

function raw(c: ActionContainer, method: string, route: string, body: string, type = 'application/json'): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: c.port, method, path: route, agent: false, headers: { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Both actions, initialised; then each request to both, answers side by side. */
async function both(): Promise<[ActionContainer, ActionContainer]> {
  const node = await startNodeRuntime();
  const go = await startNodeRuntime();
  containers.push(node, go);
  return [node, go];
}

async function ask(c: ActionContainer, method: string, route: string, body: string, type?: string): Promise<Answer> {
  const before = c.sentinels();
  const r = await raw(c, method, route, body, type);
  await new Promise((res) => setTimeout(res, 150)); // markers follow the answer
  const after = c.sentinels();
  return { ...r, markers: [after[0] - before[0], after[1] - before[1]] };
}

describe('a Go action answers as a Node.js action on the Node.js runtime', () => {
  it('/init, a /run result, bad requests, a non-object value, a body not sent as JSON', async () => {
    const [node, go] = await both();
    const nodeInit = await ask(node, 'POST', '/init', JSON.stringify(nodeEcho));
    const goInit = await ask(go, 'POST', '/init', JSON.stringify(goEcho()));
    expect(goInit).toEqual(nodeInit);
    expect(nodeInit).toEqual({ status: 200, type: 'application/json; charset=utf-8', body: '{"OK":true}', markers: [0, 0] });

    const cases: Array<[string, string, string, string?]> = [
      ['POST', '/run', '{"value":{"name":"Mike"}}'],
      ['POST', '/run', '{"value":{"name":'],
      ['GET', '/run', ''],
      ['POST', '/foo', '{}'],
      ['POST', '/run', '{"value":"a string"}'],
      ['POST', '/run', '{"value":5}'],
      ['POST', '/run', '{"value":null}'],
      ['POST', '/run', 'value=1', 'application/x-www-form-urlencoded'],
      ['POST', '/run', '"x"'],
    ];
    for (const [method, route, body, type] of cases) {
      const want = await ask(node, method, route, body, type);
      const got = await ask(go, method, route, body, type);
      expect(got, `${method} ${route} ${body}`).toEqual(want);
    }
  });
});

describe('an /init whose main is no function', () => {
  it('fails as it fails for a Node.js action: 502, end markers, then every /run refused', async () => {
    const [node, go] = await both();
    const nodeInit = await ask(node, 'POST', '/init', JSON.stringify({ value: { ...nodeEcho.value, main: 'other' } }));
    const goInit = await ask(go, 'POST', '/init', JSON.stringify({ value: { ...goEcho().value, main: 'other' } }));
    expect(goInit).toEqual(nodeInit);
    expect(nodeInit).toMatchObject({ status: 502, body: `{"error":"Initialization has failed due to: Action entrypoint 'other' is not a function."}`, markers: [1, 1] });
    const want = await ask(node, 'POST', '/run', '{"value":{}}');
    expect(await ask(go, 'POST', '/run', '{"value":{}}')).toEqual(want);
    expect(want).toMatchObject({ status: 403, body: '{"error":"System not initialized."}' });
  });
});

describe('concurrency on the Node.js runtime', () => {
  const slowNode = { value: { main: 'main', code: 'function main() { return new Promise((r) => setTimeout(() => r({ ok: true }), 300)); }' } };
  const slowGo = () => ({ value: { main: 'slow', binary: true, code: nodeActionZip() } });
  for (const allowed of [false, true]) {
    it(`${allowed ? 'with' : 'without'} __OW_ALLOW_CONCURRENT: the same statuses as a Node.js action`, async () => {
      const env: Record<string, string> = allowed ? { __OW_ALLOW_CONCURRENT: 'true' } : {};
      const node = await startNodeRuntime(env);
      const go = await startNodeRuntime(env);
      containers.push(node, go);
      await raw(node, 'POST', '/init', JSON.stringify(slowNode));
      await raw(go, 'POST', '/init', JSON.stringify(slowGo()));
      const statuses = async (c: ActionContainer) =>
        (await Promise.all(Array.from({ length: 5 }, () => raw(c, 'POST', '/run', '{"value":{}}')))).map((r) => r.status).sort();
      const want = await statuses(node);
      expect(await statuses(go)).toEqual(want);
      expect(want).toEqual(allowed ? [200, 200, 200, 200, 200] : [200, 403, 403, 403, 403]);
    });
  }
});
