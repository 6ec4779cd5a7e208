// What the Go process and its children inherit: the hand-off consumed (no
// variables, no stray fds), a clean signal state, and every line Node logged
// before the swap.
import * as http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { startHost, type HostProcess } from './helpers/host.js';
import { request } from './helpers/http-client.js';

let host: HostProcess | undefined;
afterEach(async () => {
  await host?.kill();
  host = undefined;
});

interface Report {
  pid: number;
  fds: Array<{ fd: number; target: string }>;
  env: string[];
  sigBlk: string;
  sigIgn: string;
}

const SIGPIPE_BIT = 1n << (13n - 1n);

describe('after the swap', () => {
  it('a child of the Go function inherits no hand-off fd or variable, an empty mask and default SIGPIPE', async () => {
    host = startHost('plain-host.js');
    const port = ((await host.waitForEvent('listening')).addresses as Array<{ port: number }>)[0]!.port;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await request({ host: '127.0.0.1', port, agent, path: '/' }); // a kept connection travels too
    host.send({ cmd: 'swap', binary: bin('probe') });
    await host.waitForLine((l) => l.startsWith('probe: started'));

    const self = JSON.parse((await request({ host: '127.0.0.1', port, agent, path: '/self' })).body) as Report;
    expect(self.pid).toBe(host.pid);
    expect(self.env).toEqual([]); // consumed: unset before main ran
    expect(self.fds.filter((f) => f.target.startsWith('socket:')).length).toBeGreaterThanOrEqual(2);

    const child = JSON.parse((await request({ host: '127.0.0.1', port, agent, path: '/child' })).body) as Report;
    expect(child.pid).not.toBe(host.pid);
    expect(child.env).toEqual([]);
    const inherited = child.fds.filter((f) => f.fd > 2);
    expect(inherited.filter((f) => f.target.startsWith('socket:'))).toEqual([]);
    expect(inherited.filter((f) => f.target.includes('memfd:nodego'))).toEqual([]);
    expect(BigInt(`0x${child.sigBlk}`)).toBe(0n);
    expect(BigInt(`0x${child.sigIgn}`) & SIGPIPE_BIT).toBe(0n);
    expect(BigInt(`0x${child.sigIgn}`)).toBe(0n);
    agent.destroy();
  });

  it('loses none of the lines Node logged just before the swap, even with the pipe full', async () => {
    host = startHost('plain-host.js');
    await host.waitForEvent('listening');
    const lines = 20_000; // about 2 MB: far more than a pipe holds
    host.proc.stdout.pause(); // let Node's stdout queue up behind a full pipe
    host.send({ cmd: 'swap', binary: bin('probe'), logLines: lines });
    await new Promise((r) => setTimeout(r, 500));
    host.proc.stdout.resume();
    await host.waitForLine((l) => l.startsWith('probe: started'));

    const logged = host.lines.filter((l) => l.startsWith('node log line '));
    expect(logged.length).toBe(lines);
    logged.forEach((l, i) => expect(l.startsWith(`node log line ${i} `)).toBe(true));
    const goLine = host.lines.findIndex((l) => l.startsWith('probe: started'));
    expect(goLine).toBeGreaterThan(host.lines.indexOf(logged.at(-1)!));
  });

  it('serves the request whose handler asked for the swap (replayed to Go, answered once)', async () => {
    host = startHost('swap-in-handler-host.js');
    const port = ((await host.waitForEvent('listening')).addresses as Array<{ port: number }>)[0]!.port;
    const reply = await request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/swap-now?binary=${encodeURIComponent(bin('probe'))}`,
      headers: { 'Content-Type': 'text/plain' },
      body: 'a body Node read',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(`go ${host.pid} POST /swap-now replayed=true`);
    const next = await request({ host: '127.0.0.1', port, path: '/next' });
    expect(next.body).toBe(`go ${host.pid} GET /next replayed=false`);
  });
});
