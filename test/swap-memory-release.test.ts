// Node's memory is freed beside the Go process, not inside execve: a helper
// sharing Node's address space holds it across execve and exits after it
// (native/memory_releaser.h). What must hold: the Go binary is told the
// helper's pid, reaps it (no zombie left), keeps no trace of it in its
// environment, and no fd of Node's outlives the swap in the helper. A
// receiver not built on nodego, which would not reap it, gets no helper.
import * as fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { startHost, type HostProcess } from './helpers/host.js';
import { eventually, request } from './helpers/http-client.js';
import { rawClients } from './helpers/raw-http.js';

let host: HostProcess | undefined;
const raws = rawClients();
afterEach(async () => {
  raws.closeAll();
  await host?.kill();
  host = undefined;
});
const portOf = (event: Record<string, unknown>) => (event.addresses as Array<{ port: number }>)[0]!.port;

/** The variables execve gave the process (what it started with, before any unsetenv). */
function startEnvironment(pid: number): Map<string, string> {
  const entries = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

function children(pid: number): string[] {
  return fs
    .readdirSync(`/proc/${pid}/task`)
    .flatMap((tid) => fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean));
}

/** 'gone', or the state letter of /proc/<pid>/stat (Z: a zombie nobody reaped). */
function stateOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0]!;
  } catch {
    return 'gone';
  }
}

describe("Node's memory released beside the Go process", () => {
  it('a nodego binary is told the helper, reaps it, and keeps no trace of it', async () => {
    host = startHost('plain-host.js');
    const port = portOf(await host.waitForEvent('listening'));
    const kept = await raws.connect(port); // a live connection crosses the swap
    kept.write('GET /before HTTP/1.1\r\nHost: t\r\n\r\n');
    expect((await kept.read()).body).toBe(`node ${host.pid} GET /before`);
    host.send({ cmd: 'swap', binary: bin('probe') });
    await host.waitForLine((l) => l.startsWith('probe: started'));

    const helper = Number(startEnvironment(host.pid).get('NODEGO_RELEASER'));
    expect(helper).toBeGreaterThan(0);
    expect(helper).not.toBe(host.pid);
    // Reaped, not left a zombie; the Go process has no child left.
    await eventually(async () => stateOf(helper), (s) => s === 'gone', 5_000);
    expect(children(host.pid)).toEqual([]);

    // The variable was consumed: neither the process nor its children see it.
    const self = JSON.parse((await request({ host: '127.0.0.1', port, path: '/self' })).body) as { env: string[]; pid: number };
    expect(self.pid).toBe(host.pid);
    expect(self.env).toEqual([]);
    const child = JSON.parse((await request({ host: '127.0.0.1', port, path: '/child' })).body) as { env: string[] };
    expect(child.env).toEqual([]);

    // The connection Node handed over is Go's alone: when Go closes it, the
    // client sees the close (no copy of it survived in the helper).
    kept.write('GET /after HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    expect((await kept.read()).body).toMatch(/^go \d+ GET \/after/);
    expect(await kept.closedWithin(5_000)).toBe(true);
  });

  it('NODEGO_MEMORY_RELEASER=off: no helper, execve frees the memory itself', async () => {
    host = startHost('plain-host.js', { NODEGO_MEMORY_RELEASER: 'off' });
    const port = portOf(await host.waitForEvent('listening'));
    host.send({ cmd: 'swap', binary: bin('probe') });
    await host.waitForLine((l) => l.startsWith('probe: started'));
    expect(startEnvironment(host.pid).has('NODEGO_RELEASER')).toBe(false);
    expect((await request({ host: '127.0.0.1', port, path: '/' })).headers['x-served-by']).toBe('go');
    expect(children(host.pid)).toEqual([]);
  });

  it('a receiver not built on nodego (it would not reap the helper) gets none', async () => {
    host = startHost('plain-host.js');
    const port = portOf(await host.waitForEvent('listening'));
    host.send({ cmd: 'swap', binary: bin('systemd-target') });
    await eventually(
      () => request({ host: '127.0.0.1', port, path: '/' }),
      (r) => r.headers['x-served-by'] === 'go-systemd',
    );
    expect(startEnvironment(host.pid).has('NODEGO_RELEASER')).toBe(false);
    expect(children(host.pid)).toEqual([]);
  });
});
