// The program swapped into decides what it can be given. nodego reads a Go
// binary's build information before the point of no return: one not built on
// nodego's runtime gets the listeners alone (idle connections are closed at a
// request boundary, not left hanging), cannot be handed a request to answer,
// and a Go binary linked dynamically (cgo) is refused.
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
