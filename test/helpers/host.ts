// Starts a real Node host process and reads its JSON-line events.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
/** The Node that runs hosts: TEST_HOST_NODE (the matrix) or this one. */
export const hostNode = process.env.TEST_HOST_NODE || process.execPath;

export interface HostEvent {
  event: string;
  [key: string]: unknown;
}

export class HostProcess {
  readonly events: HostEvent[] = [];
  /** Every stdout line, events and plain log lines, in order. */
  readonly lines: string[] = [];
  stderr = '';
  exited: Promise<number | null>;
  private waiters: Array<() => void> = [];
  private partial = '';

  constructor(readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      this.partial += chunk;
      const parts = this.partial.split('\n');
      this.partial = parts.pop()!;
      for (const line of parts) {
        this.lines.push(line);
        if (line.startsWith('{"event"')) this.events.push(JSON.parse(line) as HostEvent);
      }
      this.wake();
    });
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
      this.wake();
    });
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** Resolves when some stdout line satisfies test. */
  async waitForLine(test: (line: string) => boolean, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(test);
      if (found !== undefined) return found;
      if (Date.now() > deadline || this.proc.exitCode !== null) {
        throw new Error(`no matching line from host within ${timeoutMs} ms; stdout tail:\n${this.lines.slice(-5).join('\n')}\nstderr:\n${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async waitForEvent(name: string, timeoutMs = 15_000): Promise<HostEvent> {
    await this.waitForLine((l) => l.startsWith(`{"event":"${name}"`), timeoutMs);
    return this.events.find((e) => e.event === name)!;
  }

  send(command: Record<string, unknown>): void {
    this.proc.stdin.write(JSON.stringify(command) + '\n');
  }

  kill(): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    return this.exited;
  }
}

export function startHost(script: string, env: Record<string, string> = {}, args: string[] = []): HostProcess {
  const proc = spawn(hostNode, [path.join(repoRoot, 'test', 'fixtures', 'hosts', script), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
  return new HostProcess(proc);
}
