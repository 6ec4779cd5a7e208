// The Go runtime replacing itself (Server.Replace, the OpenWhisk proxy's
// re-init) while clients are in the middle of things: half-sent heads,
// bodies on their way, the next request's first byte already read, idle
// keep-alive clients. Nothing is lost, nobody waits on a stranger.
import * as fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { startProxy, type ActionContainer } from './helpers/openwhisk.js';
import { rawClients, rawPost } from './helpers/raw-http.js';

const initBinary = (name: string) => ({ value: { binary: true, code: fs.readFileSync(bin(name)).toString('base64') } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const settled = <T>(p: Promise<T>) => Promise.race([p.then(() => true), sleep(0).then(() => false)]);

let c: ActionContainer | undefined;
const raws = rawClients();
afterEach(async () => {
  raws.closeAll();
  await c?.stop();
  c = undefined;
});
const raw = (port: number) => raws.connect(port);

describe('re-init with clients in the middle of a request', () => {
  it('a half-sent head travels with its connection: /init does not wait for it, and the new binary answers it', async () => {
    c = await startProxy();
    expect((await c.post('/init', initBinary('ow-hello'))).status).toBe(200);
    const half = await raw(c.port);
    const body = '{"value":{"name":"Raw"}}';
    const whole = rawPost('/run', body);
    half.write(whole.slice(0, 30));
    await sleep(100); // read by the server, which is now mid-head
    const init = await c.post('/init', initBinary('ow-ciao'));
    expect(init.status, init.body).toBe(200);
    half.write(whole.slice(30));
    const reply = await half.read();
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ saluti: 'Ciao, Raw' });
  });

  it('a body on its way is read to its end and answered first; idle keep-alive clients are served meanwhile', async () => {
    c = await startProxy();
    expect((await c.post('/init', initBinary('ow-hello'))).status).toBe(200);
    expect((await c.post('/run', { value: { name: 'Idle' } })).status).toBe(200); // keep-alive, now idle
    const slow = await raw(c.port);
    const whole = rawPost('/run', `{"value":{"name":"${'S'.repeat(20_000)}"}}`);
    slow.write(whole.slice(0, 10_000));
    await sleep(100);
    const init = c.post('/init', initBinary('ow-ciao'));
    await sleep(600); // well past one park window
    // The idle keep-alive client is not frozen behind the slow upload...
    const other = await raw(c.port);
    other.write(rawPost('/run', '{"value":{"name":"Other"}}'));
    expect(JSON.parse((await other.read(5_000)).body)).toEqual({ greetings: 'Hello, Other' });
    expect(await settled(init)).toBe(false); // ...and the re-init still waits for the upload
    slow.write(whole.slice(10_000));
    const reply = await slow.read();
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).greetings).toMatch(/^Hello, S+$/);
    expect((await init).status).toBe(200);
    expect((await c.post('/run', { value: { name: 'After' } })).json).toEqual({ saluti: 'Ciao, After' });
  });

  it('the first byte of the next request, read before the hand-off, reaches the new binary', async () => {
    c = await startProxy();
    expect((await c.post('/init', initBinary('ow-hello'))).status).toBe(200);
    const client = await raw(c.port);
    const next = rawPost('/run', '{"value":{"name":"Next"}}');
    client.write(rawPost('/run', '{"value":{"name":"First"}}') + next.slice(0, 1)); // ...and the P of the next POST
    expect(JSON.parse((await client.read()).body)).toEqual({ greetings: 'Hello, First' });
    await sleep(50);
    expect((await c.post('/init', initBinary('ow-ciao'))).status).toBe(200);
    client.write(next.slice(1));
    const reply = await client.read();
    expect(reply.status, reply.body).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ saluti: 'Ciao, Next' });
  });

  it('many re-inits under keep-alive /run traffic: every /run answered 200', async () => {
    c = await startProxy();
    expect((await c.post('/init', initBinary('ow-hello'))).status).toBe(200);
    let stop = false;
    const statuses = new Map<number, number>();
    const hammer = async () => {
      const client = await raw(c!.port);
      while (!stop) {
        client.write(rawPost('/run', '{"value":{"name":"k"}}'));
        const r = await client.read();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    };
    const hammers = [hammer(), hammer(), hammer(), hammer()];
    for (let i = 0; i < 30; i++) {
      const init = await c.post('/init', initBinary(i % 2 ? 'ow-hello' : 'ow-ciao'));
      expect(init.status, init.body).toBe(200);
    }
    stop = true;
    await Promise.all(hammers);
    expect([...statuses.keys()]).toEqual([200]);
    expect(statuses.get(200)).toBeGreaterThan(30);
  });
});

describe('one stalled /run body', () => {
  it('does not hold up any other /run', async () => {
    c = await startProxy();
    expect((await c.post('/init', initBinary('ow-hello'))).status).toBe(200);
    const stalled = await raw(c.port);
    const whole = rawPost('/run', '{"value":{"name":"Stalled"}}');
    stalled.write(whole.slice(0, whole.length - 5));
    await sleep(100);
    const other = await c.post('/run', { value: { name: 'Other' } });
    expect(other.json).toEqual({ greetings: 'Hello, Other' });
    stalled.write(whole.slice(whole.length - 5));
    expect(JSON.parse((await stalled.read()).body)).toEqual({ greetings: 'Hello, Stalled' });
  });
});
