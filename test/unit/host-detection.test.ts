// Which host is loading the function, told from what is in this process: a
// request of the host's own in flight, the entry module, a listening server.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HOST_NAMES } from '../../dist/handoff/protocol.js';
import { detectHost, emulators, HOSTS, hostNamed } from '../../dist/hosts/registry.js';

const servers: http.Server[] = [];
afterEach(async () => {
  delete process.env.NODEGO_SWAP;
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A server in this process that holds requests unanswered, and one raw request sent to it. */
async function holding(requestLine: string): Promise<void> {
  let seen!: () => void;
  const arrived = new Promise<void>((r) => (seen = r));
  const server = http.createServer(() => seen()); // never answers
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(`${requestLine}\r\nHost: x\r\nContent-Length: 0\r\n\r\n`);
  await arrived;
}

describe('host detection', () => {
  it('knows no host in a process that is none of them (a test runner)', () => {
    expect(detectHost({ caller: '/fn/index.js', entry: '/runner.js' })).toBeUndefined();
  });

  it('a plain server: run as the program, NODEGO_SWAP=1, or a server listening', async () => {
    expect(detectHost({ caller: '/fn/index.js', entry: '/fn/index.js' })).toMatchObject({ host: { name: 'plain' }, detection: { why: 'run as the program' } });
    process.env.NODEGO_SWAP = '1';
    expect(detectHost({})).toMatchObject({ host: { name: 'plain' }, detection: { why: 'NODEGO_SWAP=1' } });
    delete process.env.NODEGO_SWAP;
    const server = http.createServer();
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    expect(detectHost({})).toMatchObject({ host: { name: 'plain' }, detection: { why: 'a server is listening' } });
  });

  it('the OpenWhisk Node.js runtime: a POST /init in flight, which it owes', async () => {
    await holding('POST /init HTTP/1.1');
    expect(detectHost({})?.host.name).toBe('openwhisk-nodejs');
    const owed = hostNamed('openwhisk-nodejs').owed();
    expect(owed.map((p) => `${p.req.method} ${p.req.url}`)).toEqual(['POST /init']);
  });

  it('the legacy worker: a /load in flight, ahead of a plain server', async () => {
    await holding('GET /load HTTP/1.1');
    expect(detectHost({})?.host.name).toBe('legacy-worker');
    expect(hostNamed('legacy-worker').owed()).toHaveLength(1);
    expect(hostNamed('openwhisk-nodejs').owed()).toHaveLength(0);
  });

  it('the Functions Framework only when its main.js is the entry module (here it is the test runner)', () => {
    const ff = HOSTS.find((h) => h.name === 'functions-framework')!;
    expect(ff.detect({ caller: '/fn/index.js', entry: '/fn/index.js' })).toBeUndefined();
  });
});

describe('the host registry', () => {
  it('names only hosts of the protocol, each once, and is ordered with the plain server last', () => {
    const names = HOSTS.map((h) => h.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(HOST_NAMES).toContain(n);
    expect(names.at(-1)).toBe('plain');
  });

  it('refuses an unknown host name with the known ones; a Go-only host owes what a plain server owes', () => {
    expect(() => hostNamed('lambda')).toThrow(/unknown host "lambda": use one of plain, functions-framework/);
    expect(hostNamed('openwhisk-proxy').owed()).toEqual([]);
  });

  it('lists an emulator for each host npm does not ship', () => {
    expect(emulators().map((h) => [h.name, h.emulator.command]).sort()).toEqual([
      ['legacy-worker', 'legacy-worker'],
      ['openwhisk-nodejs', 'openwhisk'],
    ]);
  });
});

describe('the host names', () => {
  it('are the vector file\'s, which the Go receiver also checks', () => {
    const vectors = JSON.parse(fs.readFileSync(path.join('go-template', 'handoff', 'testdata', 'handoff-vectors.json'), 'utf8')) as { hosts: string[] };
    expect([...HOST_NAMES]).toEqual(vectors.hosts);
  });
});
