// When nodego will not swap, it says why, with a code, and Node goes on:
// a connection that never reaches a quiet point (timeout), a second swap
// while one waits, a worker thread, more listeners than it can place; and
// plan() and nodego doctor report without swapping.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { hostNode, repoRoot, startHost, type HostProcess } from './helpers/host.js';
import { request } from './helpers/http-client.js';

let host: HostProcess | undefined;
afterEach(async () => {
  await host?.kill();
  host = undefined;
});

async function started(): Promise<number> {
  host = startHost('refusal-host.js');
  return (await host.waitForEvent('listening')).port as number;
}

describe('refusals', () => {
  it('a response that never finishes: NODEGO_E_TIMEOUT naming it; a second swap meanwhile: NODEGO_E_IN_PROGRESS; then Node serves on', async () => {
    const port = await started();
    const holding = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const held = request({ host: '127.0.0.1', port, path: '/hold', agent: holding });
    await new Promise((r) => setTimeout(r, 100));
    host!.send({ cmd: 'swap', binary: bin('probe'), timeoutMs: 300, twice: true });
    const second = await host!.waitForEvent('second-swap-error');
    expect(second.code).toBe('NODEGO_E_IN_PROGRESS');
    const timeout = await host!.waitForEvent('swap-error');
    expect(timeout.code).toBe('NODEGO_E_TIMEOUT');
    expect(timeout.message).toMatch(/no quiet point within 300 ms \(connection from .* a response is being written by Node\): finish or close those first, or pass a longer timeoutMs/);
    host!.send({ cmd: 'release' });
    expect((await held).body).toBe('partial released');
    expect((await request({ host: '127.0.0.1', port, path: '/', agent: holding })).body).toBe(`node ${host!.pid}`);
    holding.destroy();
  });

  it('from a worker thread: NODEGO_E_THREAD', async () => {
    await started();
    host!.send({ cmd: 'swap-in-worker', binary: bin('probe') });
    const event = await host!.waitForEvent('worker-swap-error');
    expect(event.code).toBe('NODEGO_E_THREAD');
    expect(event.message).toMatch(/call nodego from the main thread/);
  });

  it('more listeners than it can place at fds 3..6: NODEGO_E_OPTIONS', async () => {
    const port = await started();
    host!.send({ cmd: 'listen-more', count: 4 });
    await host!.waitForEvent('listening-more');
    host!.send({ cmd: 'swap', binary: bin('probe') });
    const event = await host!.waitForEvent('swap-error');
    expect(event.code).toBe('NODEGO_E_OPTIONS');
    expect(event.message).toMatch(/listens on 5 sockets; nodego places at most 4, at fds 3-6: pass the servers to hand over in the "servers" option/);
    expect((await request({ host: '127.0.0.1', port, path: '/' })).body).toBe(`node ${host!.pid}`);
  });

  it('plan() describes the hand-off without doing it', async () => {
    const port = await started();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await request({ host: '127.0.0.1', port, path: '/', agent });
    host!.send({ cmd: 'plan', binary: bin('probe') });
    const { plan } = (await host!.waitForEvent('plan')) as unknown as { plan: Record<string, unknown> };
    expect(plan).toMatchObject({
      binary: { path: bin('probe'), format: 'elf', arch: process.arch },
      host: 'plain',
      listeners: [{ name: 'http', address: expect.stringMatching(new RegExp(`:${port}$`)) }],
      blockers: [],
      handoff: { LISTEN_FDS: '1', LISTEN_FDNAMES: 'http', LISTEN_PID: String(host!.pid), NODEGO_HANDOFF: '1', NODEGO_HOST: 'plain' },
    });
    expect(plan.connections).toEqual([expect.objectContaining({ state: 'idle', listener: 0 })]);
    expect((await request({ host: '127.0.0.1', port, path: '/', agent })).body).toBe(`node ${host!.pid}`);
    agent.destroy();
  });
});

describe('nodego doctor', () => {
  const doctor = (dir: string, env: NodeJS.ProcessEnv = process.env) => {
    try {
      return { code: 0, out: execFileSync(hostNode, [path.join(repoRoot, 'dist', 'cli', 'main.js'), 'doctor', dir], { encoding: 'utf8', env }) };
    } catch (err) {
      return { code: (err as { status: number }).status, out: String((err as { stdout: string }).stdout) };
    }
  };

  it('passes where everything is there, and names the fix where the binary is missing', () => {
    execFileSync(hostNode, [path.join(repoRoot, 'dist', 'cli', 'main.js'), 'build', 'examples/hello-world'], { cwd: repoRoot });
    const good = doctor(path.join(repoRoot, 'examples', 'hello-world'));
    expect(good.code).toBe(0);
    for (const check of ['execve hand-off', 'node version', 'node binary', 'Go toolchain', 'OpenWhisk unpacking tools', 'native addon', 'function binary']) {
      expect(good.out).toMatch(new RegExp(`^ok   ${check}: `, 'm'));
    }
    const bad = doctor(path.join(repoRoot, 'examples', 'openwhisk'));
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^FAIL function binary: nodego: no Go binary at .*bin\/function/m);
    expect(bad.out).toMatch(/^ {5}fix: run `nodego build` in the function directory/m);
  });

  it('names the OpenWhisk unpacking tools missing from PATH, and how to install them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-doctor-path-'));
    for (const tool of ['go', 'node']) {
      const found = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      fs.symlinkSync(found, path.join(dir, tool));
    }
    const missing = doctor(path.join(repoRoot, 'examples', 'hello-world'), { ...process.env, PATH: dir });
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/^FAIL OpenWhisk unpacking tools: no mktemp, unzip, tar on PATH$/m);
    expect(missing.out).toMatch(/^ {5}fix: install mktemp, unzip, tar \(Debian: apt-get install coreutils unzip tar\)$/m);
  });
});
