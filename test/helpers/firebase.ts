// The real Firebase functions emulator (firebase-tools from npm), started
// offline on a demo project, with free ports, over the codebases given.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './functions-framework.js';
import { hostNode, repoRoot } from './host.js';

export const firebaseBin = path.join(repoRoot, 'node_modules', 'firebase-tools', 'lib', 'bin', 'firebase.js');
export const PROJECT = 'demo-nodego';

export interface Codebase {
  name: string;
  /** The functions directory, absolute. */
  source: string;
}

export class Emulator {
  output = '';
  exited: Promise<number | null>;
  constructor(
    readonly proc: ChildProcessWithoutNullStreams,
    readonly port: number,
    readonly project: string,
  ) {
    proc.stdout.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    proc.stderr.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  }

  url(fn: string, query = ''): string {
    return `http://127.0.0.1:${this.port}/${this.project}/us-central1/${fn}${query}`;
  }

  /** Waits until the output matches (the emulator logs after answering). */
  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} in the emulator's output:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGINT');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** `firebase emulators:start --only functions` in a new project directory. */
export async function startEmulator(codebases: Codebase[]): Promise<Emulator> {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-firebase-'));
  const [functions, hub, logging, eventarc, tasks] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const runtime = `nodejs${process.versions.node.split('.')[0]}`;
  const config = {
    // firebase.json takes sources relative to itself only.
    functions: codebases.map((c) => ({ source: path.relative(project, c.source), codebase: c.name, runtime })),
    emulators: {
      functions: { port: functions },
      hub: { port: hub },
      logging: { port: logging },
      eventarc: { port: eventarc },
      tasks: { port: tasks },
      ui: { enabled: false },
    },
  };
  fs.writeFileSync(path.join(project, 'firebase.json'), JSON.stringify(config, null, 2));
  const proc = spawn(hostNode, [firebaseBin, 'emulators:start', '--only', 'functions', '--project', PROJECT], {
    cwd: project,
    env: { ...process.env, CI: '1' },
    stdio: 'pipe',
  });
  const emulator = new Emulator(proc, functions, PROJECT);
  await Promise.race([
    emulator.waitFor(/All emulators ready/, 90_000),
    emulator.exited.then((code) => {
      throw new Error(`the emulator exited (${code}):\n${emulator.output}`);
    }),
  ]);
  return emulator;
}

/** The processes whose parent is pid, with the program each runs now. */
export function childrenOf(pid: number): Array<{ pid: number; exe: string }> {
  const out: Array<{ pid: number; exe: string }> = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push({ pid: Number(entry), exe: fs.readlinkSync(`/proc/${entry}/exe`) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
