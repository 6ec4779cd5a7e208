// The Go server's limits, Node's defaults: a head of at most 16 KiB, heads
// and whole requests that must arrive in time, idle keep-alive connections
// closed, and serving goes on when the process runs out of fds.
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy, type ActionContainer } from './helpers/openwhisk.js';
import { rawClients, rawPost } from './helpers/raw-http.js';

let c: ActionContainer | undefined;
const raws = rawClients();
afterEach(async () => {
  raws.closeAll();
  await c?.stop();
  c = undefined;
});
const raw = (port: number) => raws.connect(port);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const headWith = (bytes: number) => `GET /run HTTP/1.1\r\nHost: t\r\nX-Big: ${'a'.repeat(bytes)}\r\n\r\n`;

describe('the Go server\'s limits', () => {
  it('answers a head over 16 KiB with 431 and closes; one under it is served', async () => {
    c = await startProxy();
    const big = await raw(c.port);
    big.write(headWith(17 * 1024));
    expect((await big.read()).status).toBe(431);
    expect(await big.closedWithin(2_000)).toBe(true);
    const fits = await raw(c.port);
    fits.write(headWith(15 * 1024));
    expect((await fits.read()).status).not.toBe(431);
  });

  it('takes the header size from NODE_OPTIONS=--max-http-header-size, as Node does', async () => {
    c = await startProxy({ NODE_OPTIONS: '--max-old-space-size=256 --max-http-header-size=65536' });
    const big = await raw(c.port);
    big.write(headWith(40 * 1024));
    expect((await big.read()).status).not.toBe(431);
  });

  it('closes a connection whose head does not arrive within the headers timeout, and the idle ones after the keep-alive timeout', async () => {
    c = await startProxy({ NODEGO_HEADERS_TIMEOUT_MS: '300', NODEGO_KEEP_ALIVE_TIMEOUT_MS: '300' });
    const half = await raw(c.port);
    half.write('GET /run HTTP/1.1\r\nHo');
    const idle = await raw(c.port);
    idle.write(rawPost('/run', '{}'));
    await idle.read();
    expect(await half.closedWithin(5_000)).toBe(true);
    expect(await idle.closedWithin(5_000)).toBe(true);
  });

  it('closes a connection whose body does not arrive within the request timeout; others are served meanwhile', async () => {
    c = await startProxy({ NODEGO_REQUEST_TIMEOUT_MS: '500' });
    const stalled = await raw(c.port);
    stalled.write(rawPost('/run', '{"value":{"name":"never finished"}}').slice(0, -8));
    const other = await raw(c.port);
    other.write(rawPost('/run', '{}'));
    expect((await other.read()).status).toBeGreaterThan(0);
    let closed = false;
    try {
      await stalled.read(5_000); // a 4xx, or the close
      closed = await stalled.closedWithin(2_000);
    } catch {
      closed = stalled.closed;
    }
    expect(closed).toBe(true);
  });

  it('keeps serving when half-open connections use up its fds, once the headers timeout frees them', async () => {
    c = await startProxy({ NODEGO_HEADERS_TIMEOUT_MS: '500' }, ['prlimit', '--nofile=64:64']);
    const hogs = await Promise.all(Array.from({ length: 80 }, () => raw(c!.port)));
    for (const h of hogs) h.write('GET /run HTTP/1.1\r\nHo');
    await sleep(2_000);
    const late = await raw(c.port);
    late.write(rawPost('/run', '{}'));
    expect((await late.read(10_000)).status).toBeGreaterThan(0);
  });
});
