// The core promise: a Node server under keep-alive load becomes a Go server
// with the same PID, the same listener and the same connections, and not one
// request fails.
import { afterEach, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { startHost, type HostProcess } from './helpers/host.js';
import { KeepAliveLoad } from './helpers/load.js';

let host: HostProcess | undefined;
afterEach(async () => {
  await host?.kill();
  host = undefined;
});

describe('swap under load', () => {
  it('moves 64 live keep-alive connections from Node to Go with zero failed requests', async () => {
    host = startHost('plain-host.js');
    const listening = await host.waitForEvent('listening');
    const port = (listening.addresses as Array<{ port: number }>)[0]!.port;

    const load = new KeepAliveLoad({ host: '127.0.0.1', port }, 64);
    load.start();
    await load.until(() => load.count('node') >= 500, 20_000);
    const openedBeforeSwap = load.connectionsOpened;
    host.send({ cmd: 'swap', binary: bin('probe') });
    await load.until(() => load.count('go') >= 2_000, 20_000);
    await load.stop();

    expect(load.errors.map((e) => e.message)).toEqual([]);
    expect(load.results.every((r) => r.status === 200)).toBe(true);
    // The same process answered everything: Node first, then Go.
    expect(new Set(load.results.map((r) => r.pid))).toEqual(new Set([String(host.pid)]));
    const firstGo = load.results.findIndex((r) => r.servedBy === 'go');
    expect(firstGo).toBeGreaterThan(0);
    expect(load.results.slice(firstGo).every((r) => r.servedBy === 'go')).toBe(true);
    // No new connection was needed: the 64 opened before the swap carried on.
    expect(openedBeforeSwap).toBe(64);
    expect(load.connectionsOpened).toBe(64);
    const reusedByGo = new Set(load.results.filter((r) => r.servedBy === 'go').map((r) => r.connection));
    expect(reusedByGo.size).toBe(64);
    await host.waitForLine((l) => l.startsWith('probe: started'));
  });
});
