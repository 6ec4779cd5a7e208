// The self-replacing proxy: the README transcript, re-initialisation again
// and again with the port never closed, and every canonical error; and the
// Node.js-runtime way really swapping (same PID, Go answering).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { repoRoot } from './helpers/host.js';
import { request } from './helpers/http-client.js';
import { nodeActionZip, startNodeRuntime, startProxy, type ActionContainer } from './helpers/openwhisk.js';

let c: ActionContainer | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const b64 = (file: string) => fs.readFileSync(file).toString('base64');
const initBinary = (file: string, wrap = false) => {
  let code = b64(file);
  if (wrap) code = code.replace(/.{76}/g, '$&\n'); // as plain `base64` prints it
  return { value: { binary: true, code } };
};

describe("the self-replacing proxy's concurrency", () => {
  // The action reports how many activations ran at once while it ran.
  for (const allowed of [false, true]) {
    it(`${allowed ? 'with' : 'without'} __OW_ALLOW_CONCURRENT: activations ${allowed ? 'overlap' : 'run one at a time, queued, none refused'}`, async () => {
      c = await startProxy(allowed ? { __OW_ALLOW_CONCURRENT: 'true' } : {});
      expect((await c.post('/init', { value: { binary: true, main: 'overlap', code: b64(bin('owaction')) } })).status).toBe(200);
      // Each on a connection of its own, all at once.
      const run = () => request({ host: '127.0.0.1', port: c!.port, method: 'POST', path: '/run', agent: false, headers: { 'Content-Type': 'application/json' }, body: '{"value":{}}' });
      const runs = await Promise.all(Array.from({ length: 6 }, run));
      expect(runs.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const most = Math.max(...runs.map((r) => (JSON.parse(r.body) as { max: number }).max));
      if (allowed) expect(most).toBeGreaterThan(1);
      else expect(most).toBe(1);
    });
  }
});

describe('the self-replacing proxy', () => {
  it('runs the README transcript', async () => {
    // The README builds with `go build`; these are the same packages.
    c = await startProxy();
    const pid = c.proc.pid;
    const run = () => c!.post('/run', { value: { name: 'Mike' } });
    expect((await run()).body).toBe('{"error":"the action failed to locate a binary"}\n');
    const hello = await c.post('/init', initBinary(bin('ow-hello')));
    expect([hello.status, hello.body]).toEqual([200, '']);
    expect((await run()).body).toBe('{"greetings":"Hello, Mike"}\n');
    const ciao = await c.post('/init', initBinary(bin('ow-ciao'), true));
    expect([ciao.status, ciao.body]).toEqual([200, '']);
    expect((await run()).body).toBe('{"saluti":"Ciao, Mike"}\n');
    expect((await c.post('/run', { value: {} })).json).toEqual({ error: 'no name specified' });
    // One process all along.
    expect(c.proc.exitCode).toBe(null);
    expect(fs.readlinkSync(`/proc/${pid}/exe`)).toMatch(/nodego-openwhisk\/action-.*\/exec$/);
  });

  it('is re-initialised again and again while new connections keep coming: none refused, none dropped', async () => {
    c = await startProxy();
    const port = c.port;
    let stop = false;
    const failures: string[] = [];
    let answered = 0;
    const hammer = async () => {
      while (!stop) {
        try {
          // A new connection every time: a closed port would refuse one.
          const r = await request({ host: '127.0.0.1', port, method: 'POST', path: '/run', agent: false, body: '{"value":{"name":"x"}}' });
          if (r.status !== 200 && r.status !== 502) failures.push(`status ${r.status}`);
          answered++;
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    };
    const hammers = [hammer(), hammer(), hammer()];
    for (let i = 0; i < 6; i++) {
      const init = await c.post('/init', initBinary(bin(i % 2 ? 'ow-ciao' : 'ow-hello')));
      expect(init.status).toBe(200);
      // A /run sent the instant /init returns is answered by the new binary.
      const run = await c.post('/run', { value: { name: 'Mike' } });
      expect(run.json).toEqual(i % 2 ? { saluti: 'Ciao, Mike' } : { greetings: 'Hello, Mike' });
    }
    stop = true;
    await Promise.all(hammers);
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(20);
  });

  it('takes its action from a zip: exec at the root, or the only executable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-zip-'));
    fs.copyFileSync(bin('ow-hello'), path.join(dir, 'exec'));
    fs.writeFileSync(path.join(dir, 'README.txt'), 'not the program');
    execFileSync('python3', ['-c', `import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.write(sys.argv[2],'exec'); z.write(sys.argv[3],'README.txt'); z.close()`, path.join(dir, 'a.zip'), path.join(dir, 'exec'), path.join(dir, 'README.txt')]);
    c = await startProxy();
    expect((await c.post('/init', initBinary(path.join(dir, 'a.zip')))).status).toBe(200);
    expect((await c.post('/run', { value: { name: 'Zip' } })).json).toEqual({ greetings: 'Hello, Zip' });
  });

  describe('canonical errors, and the proxy keeps serving after each', () => {
    const cases: Array<[string, () => { raw?: string; payload?: unknown }, number, RegExp]> = [
      ['no code', () => ({ payload: { value: { main: 'main' } } }), 403, /^Missing main\/no code to execute\.$/],
      ['malformed JSON', () => ({ raw: '{"value": {' }), 400, /^Error unmarshaling request: /],
      ['invalid base64', () => ({ payload: { value: { binary: true, code: '%%% not base64 %%%' } } }), 400, /^cannot decode the request: /],
      ['a zip with no executable', () => ({ payload: { value: { binary: true, code: zipWithout() } } }), 502, /the zip holds no executable: put it at the root, named exec/],
      ['a zip entry escaping its directory', () => ({ payload: { value: { binary: true, code: zipEscaping() } } }), 502, /points outside the action's directory/],
      ['a binary for another CPU', () => ({ payload: initBinary(bin('noop-foreign')) }), 502, /was built for arm64, this machine is amd64: build it with GOOS=linux GOARCH=amd64/],
      ['plain-text code', () => ({ payload: { value: { code: 'package main' } } }), 502, /plain-text code cannot run in a Go action/],
    ];
    for (const [name, make, status, message] of cases) {
      it(`/init with ${name}: ${status}`, async () => {
        c = await startProxy();
        const { raw, payload } = make();
        const init = await c.post('/init', payload, raw);
        expect(init.status).toBe(status);
        expect((init.json as { error: string }).error).toMatch(message);
        expect(init.headers['content-length']).toBe(String(Buffer.byteLength(init.body)));
        expect((await c.post('/run', { value: { name: 'x' } })).json).toEqual({ error: 'the action failed to locate a binary' });
      });
    }

    it('a body over 48 MB: 413', async () => {
      c = await startProxy();
      const big = `{"value":{"binary":true,"code":"${'A'.repeat(49 * 1024 * 1024)}"}}`;
      const reply = await request({ host: '127.0.0.1', port: c.port, method: 'POST', path: '/init', body: big }).catch((e: Error) => e);
      // Go answers 413 and may close before reading the rest; either is a refusal.
      if (!(reply instanceof Error)) {
        expect(reply.status).toBe(413);
        expect(JSON.parse(reply.body)).toEqual({ error: "the request is over OpenWhisk's 48 MB limit" });
      }
      expect((await c.post('/run', { value: { name: 'x' } })).status).toBe(502);
    });

    it('/run with malformed JSON: 400, sentinels still written', async () => {
      c = await startProxy();
      const run = await c.post('/run', undefined, 'not json');
      expect(run.status).toBe(400);
      await c.settle(1);
      expect(c.sentinels()).toEqual([1, 1]);
    });

    it('re-initialisation is refused on a platform (__OW_API_HOST set) and allowed with NODEGO_OW_REINIT=allow', async () => {
      c = await startProxy({ __OW_API_HOST: 'https://openwhisk.invalid' });
      expect((await c.post('/init', initBinary(bin('ow-hello')))).status).toBe(200);
      const again = await c.post('/init', initBinary(bin('ow-ciao')));
      expect([again.status, again.json]).toEqual([403, { error: 'Cannot initialize the action more than once.' }]);
      await c.stop();
      c = await startProxy({ __OW_API_HOST: 'https://openwhisk.invalid', NODEGO_OW_REINIT: 'allow' });
      expect((await c.post('/init', initBinary(bin('ow-hello')))).status).toBe(200);
      expect((await c.post('/init', initBinary(bin('ow-ciao')))).status).toBe(200);
      expect((await c.post('/run', { value: { name: 'x' } })).json).toEqual({ saluti: 'Ciao, x' });
    });
  });

  it('returns arrays, reports function errors and panics as {"error"}, and keeps serving', async () => {
    c = await startProxy();
    const use = async (main: string) => expect((await c!.post('/init', { value: { binary: true, main, code: b64(bin('owaction')) } })).status).toBe(200);
    await use('array');
    expect((await c.post('/run', { value: {} })).json).toEqual([1, 'two', { three: 3 }]);
    await use('fail');
    const failed = await c.post('/run', { value: {} });
    expect([failed.status, failed.json]).toEqual([502, { error: 'the action failed on purpose' }]);
    await use('panic');
    for (let i = 0; i < 2; i++) {
      const panicked = await c.post('/run', { value: {} });
      expect([panicked.status, panicked.json]).toEqual([502, { error: 'the action panicked: boom' }]);
    }
    const entry = await c.post('/init', { value: { binary: true, main: 'nosuch', code: b64(bin('owaction')) } });
    expect(entry.status).toBe(502);
    expect((entry.json as { error: string }).error).toMatch(/the action has no entry point "nosuch": register it with openwhisk.Register/);
  });

  it('hands over idle keep-alive connections too, at a request boundary', async () => {
    c = await startProxy();
    const idle = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const viaIdle = () => request({ host: '127.0.0.1', port: c!.port, method: 'POST', path: '/run', agent: idle, body: '{"value":{"name":"idle"}}' });
    const before = await viaIdle();
    expect(JSON.parse(before.body)).toEqual({ error: 'the action failed to locate a binary' });
    expect((await c.post('/init', initBinary(bin('ow-hello')))).status).toBe(200);
    const after = await viaIdle();
    expect(JSON.parse(after.body)).toEqual({ greetings: 'Hello, idle' });
    expect(after.localPort).toBe(before.localPort);
    idle.destroy();
  });
});

describe('a Go action on the Node.js runtime', () => {
  it('swaps during /init: Go, in the runtime process, answers /init and every /run', async () => {
    c = await startNodeRuntime();
    const init = await c.post('/init', { value: { binary: true, main: 'pid', code: nodeActionZip() } });
    expect(init.status).toBe(200);
    expect(init.body).toBe('{"OK":true}'); // as the Node.js runtime answers a Node.js action
    const run = await c.post('/run', { value: {} });
    expect(run.json).toEqual({ pid: c.proc.pid });
    expect(fs.readlinkSync(`/proc/${c.proc.pid}/exe`)).toMatch(/bin\/function$/);
  });

  it('the Node runtime answers /run before /init itself (there is no Go yet)', async () => {
    c = await startNodeRuntime();
    const run = await c.post('/run', { value: {} });
    expect([run.status, run.json]).toEqual([403, { error: 'System not initialized.' }]);
  });

  it('a zip whose binary is for another CPU fails /init with the reason, and Node stays', async () => {
    c = await startNodeRuntime();
    const zip = nodeActionZipFor(bin('noop-foreign'));
    const init = await c.post('/init', { value: { binary: true, main: 'main', code: zip } });
    expect(init.status).toBe(502);
    expect((init.json as { error: string }).error).toMatch(/NODEGO_E_WRONG_ARCH|was built for arm64/);
    expect(fs.readlinkSync(`/proc/${c.proc.pid}/exe`)).toMatch(/node$/);
  });
});

function nodeActionZipFor(binary: string): string {
  // nodego package refuses a foreign binary; build such a zip by hand.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-owbad-'));
  const unpacked = path.join(dir, 'a');
  fs.mkdirSync(unpacked);
  fs.writeFileSync(path.join(dir, 'good.zip'), Buffer.from(nodeActionZip(), 'base64'));
  execFileSync('python3', ['-c', 'import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', path.join(dir, 'good.zip'), unpacked]);
  fs.copyFileSync(binary, path.join(unpacked, 'bin', 'function'));
  const script = `import zipfile,os,sys
src=sys.argv[1]; z=zipfile.ZipFile(sys.argv[2],'w')
for root,_,files in os.walk(src):
  for f in files:
    p=os.path.join(root,f); z.write(p, os.path.relpath(p,src))
z.close()`;
  execFileSync('python3', ['-c', script, unpacked, path.join(dir, 'bad.zip')]);
  return fs.readFileSync(path.join(dir, 'bad.zip')).toString('base64');
}

function zipWithout(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-zip-'));
  execFileSync('python3', ['-c', `import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.writestr('a.txt','x'); z.writestr('b.txt','y'); z.close()`, path.join(dir, 'z.zip')]);
  return b64(path.join(dir, 'z.zip'));
}

function zipEscaping(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-zip-'));
  execFileSync('python3', ['-c', `import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.writestr('../../evil','x'); z.close()`, path.join(dir, 'z.zip')]);
  return b64(path.join(dir, 'z.zip'));
}

void repoRoot;
