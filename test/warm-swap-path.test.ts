// Loading nodego compiles the swap's code once the process is idle (a
// warm-up: the swap itself then runs warm). The warm-up must change nothing
// a program can see: no fd opened, closed or re-flagged, no connection
// paused.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hostNode, repoRoot } from './helpers/host.js';

const script = `
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const fds = () => fs.readdirSync('/proc/self/fd').map((fd) => {
  try { return fd + ' ' + fs.readlinkSync('/proc/self/fd/' + fd) + ' ' + /flags:\\s*(\\d+)/.exec(fs.readFileSync('/proc/self/fdinfo/' + fd, 'utf8'))[1]; } catch { return ''; }
}).filter((l) => l && !l.includes('/proc/')).sort();
const server = http.createServer((req, res) => res.end('node ' + req.url)).listen(0, () => {
  const client = net.connect(server.address().port, '127.0.0.1', () => {
    const ask = (url) => new Promise((resolve) => { client.once('data', (d) => resolve(String(d).split('\\r\\n\\r\\n')[1])); client.write('GET ' + url + ' HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n'); });
    ask('/before').then(async (before) => {
      const fdsBefore = fds();
      require(${JSON.stringify(repoRoot)});
      await new Promise((r) => setTimeout(r, 200)); // the warm-up has run
      const fdsAfter = fds();
      const after = await ask('/after'); // the same keep-alive connection
      process.stdout.write(JSON.stringify({ before, after, fdsBefore, fdsAfter }));
      client.destroy();
      server.close();
    });
  });
});
`;

describe('the warm-up of the swap path', () => {
  it('changes no fd and no connection: the same keep-alive connection is served after it', () => {
    const out = JSON.parse(execFileSync(hostNode, ['-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 20_000 })) as Record<string, unknown>;
    expect(out.before).toBe('node /before');
    expect(out.after).toBe('node /after');
    expect(out.fdsAfter).toEqual(out.fdsBefore);
  });
});
