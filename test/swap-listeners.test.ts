// Every listener goes over, TCP and Unix alike, in systemd's layout, so a
// program that knows only socket activation (go-systemd) takes them as is.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { startHost, type HostProcess } from './helpers/host.js';
import { eventually, request } from './helpers/http-client.js';

let host: HostProcess | undefined;
afterEach(async () => {
  await host?.kill();
  host = undefined;
});

describe('listeners', () => {
  it('hands over a TCP port and a Unix socket, with a keep-alive connection on each', async () => {
    const socketPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-')), 'http.sock');
    host = startHost('plain-host.js', { HOST_LISTEN: JSON.stringify([0, socketPath]) });
    const listening = await host.waitForEvent('listening');
    const port = (listening.addresses as Array<{ port: number }>)[0]!.port;
    const tcpAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const unixAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const viaTcp = () => request({ host: '127.0.0.1', port, path: '/tcp', agent: tcpAgent });
    const viaUnix = () => request({ socketPath, path: '/unix', agent: unixAgent });

    const [tcpBefore, unixBefore] = [await viaTcp(), await viaUnix()];
    expect(tcpBefore.headers['x-served-by']).toBe('node');
    expect(unixBefore.headers['x-served-by']).toBe('node');

    host.send({ cmd: 'swap', binary: bin('probe') });
    await host.waitForLine((l) => l.startsWith('probe: started'));

    const tcpAfter = await viaTcp();
    const unixAfter = await viaUnix();
    expect(tcpAfter.body).toBe(`go ${host.pid} GET /tcp replayed=false`);
    expect(unixAfter.body).toBe(`go ${host.pid} GET /unix replayed=false`);
    // The same keep-alive connection carried the request before and after.
    expect(tcpAfter.localPort).toBe(tcpBefore.localPort);
    // New connections reach Go too, on both listeners.
    expect((await request({ host: '127.0.0.1', port, path: '/new' })).headers['x-served-by']).toBe('go');
    expect((await request({ socketPath, path: '/new' })).headers['x-served-by']).toBe('go');
    tcpAgent.destroy();
    unixAgent.destroy();
  });

  it('passes listeners that github.com/coreos/go-systemd/v22/activation adopts unchanged', async () => {
    host = startHost('plain-host.js', { HOST_LISTEN: '[0]' });
    const listening = await host.waitForEvent('listening');
    const port = (listening.addresses as Array<{ port: number }>)[0]!.port;
    host.send({ cmd: 'swap', binary: bin('systemd-target') });
    const reply = await eventually(
      () => request({ host: '127.0.0.1', port, path: '/' }),
      (r) => r.headers['x-served-by'] === 'go-systemd',
    );
    expect(JSON.parse(reply.body)).toEqual({ pid: host.pid, names: { http: 1 }, listen_pid: '' });
  });
});
