// Every request Node owes Go is answered, at the edges: pipelined requests
// behind the one that asked for the swap, a swap() reached asynchronously,
// bodies that middleware rewrote.
import * as crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { startHost, type HostProcess } from './helpers/host.js';
import { rawClients, type RawClient } from './helpers/raw-http.js';

let host: HostProcess | undefined;
const raws = rawClients();
afterEach(async () => {
  raws.closeAll();
  await host?.kill();
  host = undefined;
});

async function edgeHost(env: Record<string, string> = {}): Promise<RawClient> {
  host = startHost('edge-host.js', { PROBE_BINARY: bin('probe'), ...env });
  const listening = await host.waitForEvent('listening');
  const port = (listening.addresses as Array<{ port: number }>)[0]!.port;
  return raws.connect(port);
}

interface GoEcho {
  by: string;
  pid: number;
  method: string;
  path: string;
  contentType: string;
  body: string; // base64
  replayed: boolean;
}
const echoOf = (body: string) => JSON.parse(body) as GoEcho;
const post = (path: string, type: string, body: Buffer) =>
  Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: t\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);

describe('pipelined requests behind the one that asked for the swap', () => {
  it('are all answered, in order, by Go', async () => {
    const client = await edgeHost();
    client.write('GET /swap/first HTTP/1.1\r\nHost: t\r\n\r\nGET /swap/second HTTP/1.1\r\nHost: t\r\n\r\nGET /node/third HTTP/1.1\r\nHost: t\r\n\r\n');
    const first = await client.read();
    const second = await client.read();
    const third = await client.read();
    expect(echoOf(first.body)).toMatchObject({ by: 'go', pid: host!.pid, path: '/swap/first', replayed: true });
    expect(echoOf(second.body)).toMatchObject({ by: 'go', path: '/swap/second' });
    expect(third.body).toMatch(new RegExp(`^go ${host!.pid} GET /node/third`));
  });
});

describe('swap() reached asynchronously', () => {
  const body = Buffer.from('{"late":"body"}');
  it('from req.on("end"), the body arriving in two pieces: the request is Go\'s', async () => {
    const client = await edgeHost({ EDGE_RAW: '1' });
    const bytes = post('/swap/end', 'application/json', body);
    client.write(bytes.subarray(0, bytes.length - 5));
    await new Promise((r) => setTimeout(r, 100));
    client.write(bytes.subarray(bytes.length - 5));
    const echo = echoOf((await client.read()).body);
    expect(echo).toMatchObject({ by: 'go', path: '/swap/end', replayed: true });
    expect(Buffer.from(echo.body, 'base64')).toEqual(body);
  });

  for (const how of ['await', 'immediate']) {
    it(`after ${how === 'await' ? 'an await' : 'setImmediate'}: the request is Go's`, async () => {
      const client = await edgeHost();
      client.write(post(`/swap/${how}?how=${how}`, 'application/json', body));
      const echo = echoOf((await client.read()).body);
      expect(echo).toMatchObject({ by: 'go', path: `/swap/${how}?how=${how}`, replayed: true });
      expect(Buffer.from(echo.body, 'base64')).toEqual(body);
    });
  }
});

describe('the body Go gets is the one the client sent, whatever middleware made of it', () => {
  const cases: Array<[string, string, Buffer]> = [
    ['express.json and a 20-digit id', 'application/json', Buffer.from('{"id": 12345678901234567890, "x": 1.0}')],
    ['express.urlencoded', 'application/x-www-form-urlencoded', Buffer.from('a=1&b=%C3%A9&c=x+y')],
    ['express.text with a latin-1 charset', 'text/plain; charset=latin1', Buffer.from([0x63, 0x61, 0x66, 0xe9])],
    ['a type no parser takes (body-parser 1.x left req.body = {})', 'application/octet-stream', crypto.randomBytes(22 * 1024)],
  ];
  for (const [name, type, body] of cases) {
    it(name, async () => {
      const client = await edgeHost();
      client.write(post('/swap/body', type, body));
      const echo = echoOf((await client.read()).body);
      expect(echo).toMatchObject({ by: 'go', contentType: type });
      expect(Buffer.from(echo.body, 'base64').equals(body)).toBe(true);
    });
  }
});
