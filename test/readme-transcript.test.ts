// The OpenWhisk transcript in the README, pasted whole: every `$` line in one
// bash session at the repository root, each command's output compared with
// the lines under it. Its files go to a temporary directory the test owns.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/host.js';

const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const block = /From the\nrepository \(it works pasted as one block[^\n]*\n[^\n]*\n\n```\n([\s\S]*?)```/.exec(readme)![1]!;
const steps: Array<{ command: string; expected: string[] }> = [];
for (const line of block.trimEnd().split('\n')) {
  if (line.startsWith('$ ')) steps.push({ command: line.slice(2), expected: [] });
  else steps.at(-1)!.expected.push(line);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-readme-'));
let session: ReturnType<typeof spawn> | undefined;

afterAll(() => {
  if (session?.pid) {
    try {
      process.kill(-session.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('README: the self-replacing proxy transcript', () => {
  it(`has the transcript (${steps.length} commands)`, () => {
    expect(steps.length).toBe(11);
  });

  it('runs exactly as shown, pasted as one block', async () => {
    // A marker before each command tells the outputs apart; the background
    // server's own log goes to stderr, as in a terminal.
    const script = [...steps.map((s, i) => `echo "@@@${i}"\n${s.command}`), 'echo "@@@end"'].join('\n');
    session = spawn('bash', ['-c', script], { cwd: repoRoot, env: { ...process.env, TMPDIR: tmp }, detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    session.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const deadline = Date.now() + 180_000;
    while (!out.includes('@@@end') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain('@@@end');
    steps.forEach(({ command, expected }, i) => {
      const section = out.split(`@@@${i}\n`)[1]!.split(/@@@(\d+|end)\n/)[0]!;
      expect(section.trimEnd(), command).toBe(expected.join("\n"));
    });
    // Nothing was written into the repository.
    for (const f of ['hello', 'ciao', 'exec', 'hello.json', 'ciao.json']) expect(fs.existsSync(path.join(repoRoot, f))).toBe(false);
  });
});
