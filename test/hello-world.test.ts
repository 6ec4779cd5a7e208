// The README's first command: `npm start` serves examples/hello-world under a
// Node host; the first page comes from Node, every later one from Go, in the
// same process.
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostNode, repoRoot } from './helpers/host.js';
import { eventually, request } from './helpers/http-client.js';

describe('hello-world (npm start)', () => {
  it('first page from Node, then Go, same PID, same connection', async () => {
    const port = 18_000 + Math.floor(Math.random() * 1000);
    const cli = spawn(hostNode, [path.join(repoRoot, 'dist', 'cli', 'main.js'), 'serve', 'examples/hello-world', '--port', String(port), '--no-watch'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    cli.stdout.on('data', (d) => (output += d));
    cli.stderr.on('data', (d) => (output += d));
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const first = await eventually(() => request({ host: '127.0.0.1', port, agent, path: '/' }), (r) => r.status === 200, 60_000);
      expect(first.body).toMatch(/^Hello from Node\.js, pid (\d+)\. Reload: Go answers from now on\.\n$/);
      const pid = /pid (\d+)/.exec(first.body)![1];
      const second = await request({ host: '127.0.0.1', port, agent, path: '/' });
      expect(second.body).toBe(`Hello from Go, pid ${pid}. Node.js is gone; its socket is still here.\n`);
      expect(second.localPort).toBe(first.localPort);
      expect(output).toContain(`nodego serve: http://localhost:${port} (pid ${pid})`);
      agent.destroy();
    } finally {
      cli.kill('SIGTERM');
      await new Promise((r) => cli.once('exit', r));
    }
  });
});
