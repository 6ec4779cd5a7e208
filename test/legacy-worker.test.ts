// The legacy (Node 6/8) Cloud Functions worker, as the original project ran:
// the browser's first page is the worker's "User function is ready" (the
// module loads, Node swaps, Go answers that /load), a refresh is the
// function, and the worker's /check and /execute routes still work.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './helpers/functions-framework.js';
import { hostNode, repoRoot } from './helpers/host.js';
import { eventually, request } from './helpers/http-client.js';

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('the legacy Cloud Functions worker', () => {
  it('first load: "User function is ready"; refresh: the Go function; /check, /execute', async () => {
    const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
    execFileSync(hostNode, [cli, 'build', 'examples/hello-http'], { cwd: repoRoot });
    const port = await freePort();
    const worker = spawn(hostNode, [cli, 'emulate', 'legacy-worker', '--source', 'examples/hello-http', '--target', 'hello', '--port', String(port)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stop = () => worker.kill('SIGKILL');
    await eventually(() => request({ host: '127.0.0.1', port, path: '/check', agent: false }), (r) => r.body === 'OK');

    const browser = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const first = await request({ host: '127.0.0.1', port, path: '/', agent: browser });
    expect([first.status, first.body]).toEqual([200, 'User function is ready']);
    const refresh = await request({ host: '127.0.0.1', port, path: '/', agent: browser });
    expect(refresh.body).toBe('Hello, World!\n');
    expect(refresh.localPort).toBe(first.localPort);
    expect(fs.readlinkSync(`/proc/${worker.pid}/exe`)).toBe(path.join(repoRoot, 'examples', 'hello-http', 'bin', 'function'));
    expect((await request({ host: '127.0.0.1', port, path: '/check' })).body).toBe('OK');
    expect((await request({ host: '127.0.0.1', port, path: '/execute?name=Ada' })).body).toBe('Hello, Ada!\n');
    expect((await request({ host: '127.0.0.1', port, path: '/execute/deeper?name=Bo' })).body).toBe('Hello, Bo!\n');
    expect((await request({ host: '127.0.0.1', port, path: '/load' })).body).toBe('User function is ready');
    browser.destroy();
  });
});
