// The OpenWhisk transcript in the README, run as written: each `$` line in a
// shell at the repository root, each output compared with the lines under it.
import { execSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/host.js';
import { eventually, request } from './helpers/http-client.js';

const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const block = /From the\nrepository:\n\n```\n([\s\S]*?)```/.exec(readme)![1]!;
const steps: Array<{ command: string; expected: string[] }> = [];
for (const line of block.trimEnd().split('\n')) {
  if (line.startsWith('$ ')) steps.push({ command: line.slice(2), expected: [] });
  else steps.at(-1)!.expected.push(line);
}
const made = ['hello', 'ciao', 'hello.json', 'ciao.json'].map((f) => path.join(repoRoot, f));
let background: ReturnType<typeof spawn> | undefined;

afterAll(() => {
  if (background?.pid) process.kill(-background.pid, 'SIGKILL');
  for (const f of made) fs.rmSync(f, { force: true });
});

describe('README: the self-replacing proxy transcript', () => {
  it(`has the transcript (${steps.length} commands)`, () => {
    expect(steps.length).toBe(9);
  });

  it('runs exactly as shown', async () => {
    for (const { command, expected } of steps) {
      if (command.endsWith('&')) {
        background = spawn('bash', ['-c', command.slice(0, -1)], { cwd: repoRoot, detached: true, stdio: 'ignore' });
        await eventually(() => request({ host: '127.0.0.1', port: 8080, method: 'POST', path: '/run', body: '{}' }), (r) => r.status > 0, 120_000);
        continue;
      }
      const out = execSync(command, { cwd: repoRoot, shell: '/bin/bash', encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(out.trimEnd(), command).toBe(expected.join('\n'));
    }
  });
});
