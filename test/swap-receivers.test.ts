// The program swapped into decides what it can be given. nodego reads a Go
// binary's build information before the point of no return: one not built on
// nodego's runtime gets the listeners alone (idle connections are closed at a
// request boundary, not left hanging), cannot be handed a request to answer,
// and a Go binary linked dynamically (cgo) is refused. A nodego binary is
// given the memory releaser: a helper sharing Node's address space, so that
// Node's memory is freed beside Go, not inside execve (native/memory_releaser.h);
// it must reap it, keep no trace of it, and no fd of Node's may outlive the
// swap in it. A receiver that would not reap it gets none.
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

describe('a receiver not built on nodego (plain socket activation)', () => {
  it('gets the listeners; idle keep-alive connections are closed, not left hanging', async () => {
    host = startHost('plain-host.js');
    const port = portOf(await host.waitForEvent('listening'));
    const idle = await raws.connect(port);
    idle.write('GET /before HTTP/1.1\r\nHost: t\r\n\r\n');
    expect((await idle.read()).body).toBe(`node ${host.pid} GET /before`);
    host.send({ cmd: 'swap', binary: bin('systemd-target') });
    const fresh = await eventually(
      () => request({ host: '127.0.0.1', port, path: '/' }),
      (r) => r.headers['x-served-by'] === 'go-systemd',
    );
    expect(JSON.parse(fresh.body).pid).toBe(host.pid);
    // The idle connection was closed by the swap: a client sees it and reconnects.
    expect(await idle.closedWithin(5_000)).toBe(true);
  });

  it('cannot be handed a request to answer: NODEGO_E_RECEIVER, and Node answers it', async () => {
    host = startHost('swap-in-handler-host.js');
    const port = portOf(await host.waitForEvent('listening'));
    const reply = await request({ host: '127.0.0.1', port, path: `/swap-now?binary=${encodeURIComponent(bin('systemd-target'))}` });
    expect(reply.body).toBe('node answered: wrong'); // Node's handler goes on
    const error = await host.waitForEvent('swap-error');
    expect(error.message).toMatch(/systemd-target is not built on nodego's Go runtime, so it cannot answer the request that asked for the swap \(GET \/swap-now/);
    expect((await request({ host: '127.0.0.1', port, path: '/after' })).body).toBe(`node ${host.pid} GET /after`);
  });
});

describe('a Go binary linked dynamically (cgo)', () => {
  it('is refused before anything is touched: NODEGO_E_DYNAMIC, with the fix', async () => {
    host = startHost('plain-host.js');
    const port = portOf(await host.waitForEvent('listening'));
    host.send({ cmd: 'swap', binary: bin('probe-cgo') });
    const error = await host.waitForEvent('swap-error');
    expect(error.code).toBe('NODEGO_E_DYNAMIC');
    expect(error.message).toMatch(/is a Go program linked dynamically \(cgo\).*: build it static with CGO_ENABLED=0/);
    expect((await request({ host: '127.0.0.1', port, path: '/' })).body).toBe(`node ${host.pid} GET /`);
  });
});

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
