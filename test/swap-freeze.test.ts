// While swap() waits for its quiet point (here, a response that Node is
// still writing), idle keep-alive clients are parked only for short windows:
// their requests are served between them, not frozen until the timeout.
import * as http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { startHost, type HostProcess } from './helpers/host.js';
import { request } from './helpers/http-client.js';

let host: HostProcess | undefined;
afterEach(async () => {
  await host?.kill();
});

describe('an idle client during a long wait for the quiet point', () => {
  it('is served by Node between park windows; the swap still happens once the slow response ends', async () => {
    host = startHost('refusal-host.js');
    const { port } = (await host.waitForEvent('listening')) as unknown as { port: number };
    const idle = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await request({ host: '127.0.0.1', port, path: '/', agent: idle })).body).toBe(`node ${host.pid}`);
    const held = request({ host: '127.0.0.1', port, path: '/hold', agent: false });
    await new Promise((r) => setTimeout(r, 100));
    host.send({ cmd: 'swap', binary: bin('probe'), timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 600)); // several windows into the wait
    const during = await Promise.race([
      request({ host: '127.0.0.1', port, path: '/', agent: idle }),
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 3_000)),
    ]);
    expect(during?.body).toBe(`node ${host.pid}`); // Node answered, well before the 20 s timeout
    host.send({ cmd: 'release' });
    expect((await held).body).toBe('partial released');
    await host.waitForLine((l) => l.startsWith('probe: started'));
    expect((await request({ host: '127.0.0.1', port, path: '/', agent: idle })).body).toMatch(/^go /);
    idle.destroy();
  });
});
