// The OpenWhisk proxy's files and memory: a refused /init leaves nothing on
// disk, the running action is never removed however TMPDIR is reached, /init
// work is done one at a time, and an unknown entry point fails as on the
// Node.js runtime.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { startProxy, type ActionContainer } from './helpers/openwhisk.js';
import { request } from './helpers/http-client.js';

const initBinary = (file: string, main?: string) => ({ value: { binary: true, code: fs.readFileSync(file).toString('base64'), ...(main ? { main } : {}) } });
const dirs: string[] = [];
let c: ActionContainer | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-owfiles-'));
  dirs.push(d);
  return d;
};
const actionDirs = (tmp: string) => {
  const base = path.join(tmp, 'nodego-openwhisk');
  return fs.existsSync(base) ? fs.readdirSync(base).filter((n) => n.startsWith('action-')) : [];
};
const du = (dir: string): number =>
  fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? du(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);

describe('OpenWhisk proxy: files', () => {
  it('refuses a zip bomb without writing it, and a refused /init leaves nothing on disk', async () => {
    const tmp = tempDir();
    const bomb = path.join(tempDir(), 'bomb.zip');
    execFileSync('python3', [
      '-c',
      `import zipfile,sys
z=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED)
with z.open('exec','w',force_zip64=True) as f:
    block=bytes(1<<20)
    for i in range(1100): f.write(block)
z.close()`,
      bomb,
    ]);
    c = await startProxy({ TMPDIR: tmp });
    const refused = await c.post('/init', initBinary(bomb));
    expect(refused.status).toBe(502);
    expect((refused.json as { error: string }).error).toMatch(/expands to \d+ bytes, over the 1 GiB/);
    const foreign = await c.post('/init', initBinary(bin('noop-foreign')));
    expect(foreign.status).toBe(502);
    expect(actionDirs(tmp)).toEqual([]);
    expect(du(tmp)).toBeLessThan(1024 * 1024);
    expect((await c.post('/init', initBinary(bin('ow-hello')))).status).toBe(200);
  });

  for (const how of ['a symlink', 'a relative path']) {
    it(`with TMPDIR through ${how}, re-inits never remove the running action`, async () => {
      const real = tempDir();
      const cwd = tempDir();
      let tmpdir = real;
      if (how === 'a symlink') {
        tmpdir = path.join(cwd, 'link');
        fs.symlinkSync(real, tmpdir);
      } else {
        fs.mkdirSync(path.join(cwd, 'rel'));
        tmpdir = 'rel';
      }
      c = await startProxy({ TMPDIR: tmpdir }, ['sh', '-c', `cd ${JSON.stringify(cwd)} && exec "$0"`]);
      for (const name of ['ow-hello', 'ow-ciao', 'ow-hello']) {
        expect((await c.post('/init', initBinary(bin(name)))).status).toBe(200);
      }
      await new Promise((r) => setTimeout(r, 300)); // old actions are removed in the background
      const exe = fs.readlinkSync(`/proc/${c.proc.pid}/exe`);
      expect(exe).not.toMatch(/\(deleted\)/);
      expect(fs.existsSync(exe)).toBe(true);
      const base = how === 'a symlink' ? real : path.join(cwd, 'rel');
      expect(actionDirs(base)).toHaveLength(1); // the running one, the others removed
      expect((await c.post('/run', { value: { name: 'Still' } })).json).toEqual({ greetings: 'Hello, Still' });
    });
  }
});

describe('OpenWhisk proxy: binaries it cannot become', () => {
  it('refuses a Go binary not built on nodego, and one linked dynamically, before the exec; it keeps serving', async () => {
    c = await startProxy({ TMPDIR: tempDir() });
    const notNodego = await c.post('/init', initBinary(bin('systemd-target')));
    expect([notNodego.status, (notNodego.json as { error: string }).error]).toEqual([502, expect.stringMatching(/is not built on nodego's Go runtime, so it cannot answer the request/)]);
    const dynamic = await c.post('/init', initBinary(bin('probe-cgo')));
    expect([dynamic.status, (dynamic.json as { error: string }).error]).toEqual([502, expect.stringMatching(/is a Go program linked dynamically \(cgo\).*CGO_ENABLED=0/)]);
    expect((await c.post('/init', initBinary(bin('ow-hello')))).status).toBe(200);
    expect((await c.post('/run', { value: { name: 'Still' } })).json).toEqual({ greetings: 'Hello, Still' });
  });
});

describe('OpenWhisk proxy: /init one at a time', () => {
  const concurrent = async (n: number) => {
    const payload = JSON.stringify(initBinary(bin('ow-hello')));
    return Promise.all(
      Array.from({ length: n }, () =>
        request({ host: '127.0.0.1', port: c!.port, method: 'POST', path: '/init', agent: false, headers: { 'Content-Type': 'application/json' }, body: payload }),
      ),
    );
  };

  it('standalone: concurrent /inits are answered 200 or 503 with Retry-After, one at a time', async () => {
    c = await startProxy({ TMPDIR: tempDir() });
    const replies = await concurrent(10);
    const statuses = replies.map((r) => r.status);
    expect(statuses).toContain(200);
    for (const r of replies) {
      expect([200, 503]).toContain(r.status);
      if (r.status === 503) expect([r.headers['retry-after'], JSON.parse(r.body).error]).toEqual(['1', expect.stringMatching(/another \/init is in progress/)]);
    }
  });

  it('on a platform: one /init, the others refused as a second /init is', async () => {
    c = await startProxy({ TMPDIR: tempDir(), __OW_API_HOST: 'https://ow.invalid' });
    const replies = await concurrent(10);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of replies.filter((x) => x.status !== 200)) {
      expect([r.status, JSON.parse(r.body)]).toEqual([403, { error: 'Cannot initialize the action more than once.' }]);
    }
  });
});

describe('OpenWhisk proxy: an /init naming no registered function', () => {
  it('fails as the Node.js runtime fails it, with end markers, and nothing runs after', async () => {
    c = await startProxy({ TMPDIR: tempDir(), __OW_API_HOST: 'https://ow.invalid' });
    const init = await c.post('/init', initBinary(bin('ow-hello'), 'other'));
    expect([init.status, init.json]).toEqual([502, { error: "Initialization has failed due to: Action entrypoint 'other' is not a function." }]);
    await c.settle(1);
    expect(c.sentinels()).toEqual([1, 1]);
    expect(c.stderr).toMatch(/Error during initialization: Action entrypoint 'other' is not a function/);
    const run = await c.post('/run', { value: { name: 'x' } });
    expect([run.status, run.json]).toEqual([403, { error: 'System not initialized.' }]);
    const again = await c.post('/init', initBinary(bin('ow-hello')));
    expect([again.status, again.json]).toEqual([403, { error: 'System not ready, status is stopped.' }]);
  });

  it('standalone: the proxy says what to register, runs nothing, and takes another /init', async () => {
    c = await startProxy({ TMPDIR: tempDir() });
    const init = await c.post('/init', initBinary(bin('ow-hello'), 'other'));
    expect([init.status, (init.json as { error: string }).error]).toEqual([502, expect.stringMatching(/no entry point "other": register it with openwhisk.Register/)]);
    expect((await c.post('/run', { value: {} })).status).toBe(403);
    expect((await c.post('/init', initBinary(bin('ow-hello')))).status).toBe(200);
    expect((await c.post('/run', { value: { name: 'Back' } })).json).toEqual({ greetings: 'Hello, Back' });
  });
});
