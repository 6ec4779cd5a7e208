// `nodego emulate openwhisk` copies the real Node.js runtime
// (nodejs20Action@1.23.0) for Node.js actions: each difference once found
// between the two, checked here.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yazl from 'yazl';
import { afterEach, describe, expect, it } from 'vitest';
import { startNodeRuntime, type ActionContainer } from './helpers/openwhisk.js';

let c: ActionContainer | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

function send(method: string, route: string, body: string, type = 'application/json'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: c!.port, method, path: route, agent: false, headers: { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const init = (code: string, main = 'main', binary = false) => send('POST', '/init', JSON.stringify({ value: { main, code, binary } }));

function zipOf(files: Record<string, string>): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text), name);
  zip.end();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (d: Buffer) => chunks.push(d)).on('end', () => resolve(Buffer.concat(chunks).toString('base64')));
  });
}

describe('the OpenWhisk Node.js runtime stand-in', () => {
  it('answers as Express does, and writes nothing of its own to stdout', async () => {
    c = await startNodeRuntime();
    const r = await init('function main() { return {}; }');
    expect(r.status).toBe(200);
    expect(r.headers['x-powered-by']).toBe('Express');
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers.etag).toMatch(/^W\/"b-[\w+/]{27}"$/);
    expect(c.stdout).toBe('');
  });

  it('parses only JSON objects sent as JSON: a form-typed /init has no main; "x", 5 and null are bad requests, logged as the runtime logs them', async () => {
    c = await startNodeRuntime();
    expect(await send('POST', '/init', 'value=1', 'application/x-www-form-urlencoded')).toMatchObject({ status: 403, body: '{"error":"Missing main/no code to execute."}' });
    for (const body of ['"x"', '5', 'null']) expect(await send('POST', '/run', body)).toMatchObject({ status: 500, body: '{"error":"Bad request."}' });
    const deadline = Date.now() + 2_000; // the log lines follow the answers
    while (c.stdout.split('\n').filter((l) => l === 'undefined').length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(c.stdout.split('\n').filter((l) => l === 'undefined')).toHaveLength(3);
  });

  it('routes /run/ and /run?x=1 as Express does', async () => {
    c = await startNodeRuntime();
    await init('function main(p) { return p; }');
    expect(await send('POST', '/run/', '{"value":{"a":1}}')).toMatchObject({ status: 200, body: '{"a":1}' });
    expect(await send('POST', '/run?x=1', '{"value":{"b":2}}')).toMatchObject({ status: 200, body: '{"b":2}' });
  });

  it('a rejected promise is the answer {"error": ...} and the container goes on; a throw stops it', async () => {
    c = await startNodeRuntime();
    await init('function main(p) { if (p.throw) throw new Error("thrown"); if (p.reject) return Promise.reject(new Error("rejected")); return { ok: true }; }');
    const rejected = await send('POST', '/run', '{"value":{"reject":true}}');
    expect(rejected.status).toBe(200);
    expect(JSON.parse(rejected.body).error).toMatchObject({ name: 'Error', message: 'rejected' });
    expect(await send('POST', '/run', '{"value":{}}')).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(await send('POST', '/run', '{"value":{"throw":true}}')).toMatchObject({ status: 502, body: '{"error":"An error has occurred: Error: thrown"}' });
    expect(await send('POST', '/run', '{"value":{}}')).toMatchObject({ status: 403, body: '{"error":"System not ready, status is stopped."}' });
  });

  it('splits main at the first dot: index.handlers.greet is a property path in index.js', async () => {
    c = await startNodeRuntime();
    const code = await zipOf({ 'index.js': 'exports.handlers = { greet: (p) => ({ greeting: "Hello, " + p.name }) };' });
    expect((await init(code, 'index.handlers.greet', true)).status).toBe(200);
    expect(await send('POST', '/run', '{"value":{"name":"Dot"}}')).toMatchObject({ status: 200, body: '{"greeting":"Hello, Dot"}' });
  });

  it('unpacks as the runtime does: unzip or tar into a mktemp directory of its own directory, which is the action\'s cwd', async () => {
    c = await startNodeRuntime();
    const action = 'exports.main = () => ({ cwd: process.cwd(), dirname: __dirname, mode: require("fs").statSync(__dirname + "/run.sh").mode & 0o777 });';
    const src = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-ow-tgz-'));
    fs.writeFileSync(path.join(src, 'index.js'), action);
    fs.writeFileSync(path.join(src, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    const tgz = execFileSync('tar', ['-czf', '-', '-C', src, 'index.js', 'run.sh']).toString('base64');
    expect((await init(tgz, 'main', true)).status).toBe(200);
    const seen = JSON.parse((await send('POST', '/run', '{"value":{}}')).body) as { cwd: string; dirname: string; mode: number };
    expect(seen.cwd).toBe(seen.dirname);
    expect(path.basename(seen.cwd)).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(path.basename(path.dirname(seen.cwd))).toMatch(/^ow-runtime-\d+-/);
    expect(seen.mode).toBe(0o755);
  });

  it('refuses an archive that is neither zip nor tar.gz, and a zip unzip cannot read, with the runtime\'s messages', async () => {
    c = await startNodeRuntime();
    const plain = await init(Buffer.from('just text').toString('base64'), 'main', true);
    expect(plain).toMatchObject({ status: 502, body: '{"error":"Initialization has failed due to: There was an error uncompressing the action archive. The file type is unsupported"}' });
    await c.stop();
    c = await startNodeRuntime();
    const truncated = Buffer.from(await zipOf({ 'index.js': 'exports.main = () => ({})' }), 'base64').subarray(0, 40).toString('base64');
    const broken = await init(truncated, 'main', true);
    expect(broken).toMatchObject({ status: 502, body: '{"error":"Initialization has failed due to: There was an error uncompressing the action Zip archive."}' });
  });

  it("gives actions the runtime image's packages from --packages (NODEGO_OW_PACKAGES), from the runtime's directory", async () => {
    const packages = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-ow-packages-'));
    execFileSync('npm', ['install', '--prefix', packages, '--no-audit', '--no-fund', '--ignore-scripts', 'uuid@8.3.2'], { stdio: 'pipe' });
    const action = await zipOf({
      'index.js': 'exports.main = () => { const p = require.resolve("uuid/package.json"); return { version: require(p).version, from: p, v4: require("uuid").v4().length }; };',
    });
    c = await startNodeRuntime({ NODEGO_OW_PACKAGES: packages });
    expect((await init(action, 'main', true)).status).toBe(200);
    const seen = JSON.parse((await send('POST', '/run', '{"value":{}}')).body) as { version: string; from: string; v4: number };
    expect(seen).toMatchObject({ version: '8.3.2', v4: 36 });
    expect(seen.from).toBe(path.join(fs.realpathSync(packages), 'node_modules', 'uuid', 'package.json'));
    await c.stop();
    c = await startNodeRuntime();
    expect((await init(action, 'main', true)).status).toBe(200);
    const without = (await send('POST', '/run', '{"value":{}}')).body;
    expect(without).not.toContain(fs.realpathSync(packages));
  });

  it('refuses a --packages directory without node_modules, and says how to fill it', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-ow-nopackages-'));
    let failure = '';
    try {
      execFileSync(process.execPath, [path.join(__dirname, '..', 'dist', 'cli', 'main.js'), 'emulate', 'openwhisk', '--port', '0', '--packages', empty], { stdio: 'pipe', encoding: 'utf8' });
    } catch (err) {
      failure = (err as { stderr: string }).stderr;
    }
    expect(failure).toContain(`${empty} has no node_modules`);
    expect(failure).toContain(`npm install --prefix ${empty} openwhisk@3.21.8 express@4.20.0 serialize-error@9.1.0 redis@4.0.4 uuid@8.3.2`);
  });
});
