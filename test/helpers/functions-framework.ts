// The real Node.js Functions Framework (@google-cloud/functions-framework),
// started as the platform starts it, with a function directory as --source.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { hostNode, repoRoot } from './host.js';
import { eventually, request } from './http-client.js';

export const frameworkMain = path.join(repoRoot, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export class Framework {
  stdout = '';
  stderr = '';
  exited: Promise<number | null>;
  constructor(
    readonly proc: ChildProcessWithoutNullStreams,
    readonly port: number,
  ) {
    proc.stdout.on('data', (d: Buffer) => (this.stdout += d.toString('utf8')));
    proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.proc.pid!;
  }

  async ready(): Promise<void> {
    await eventually(() => request({ host: '127.0.0.1', port: this.port, path: '/__ready', method: 'POST', body: '{}', agent: false }), () => true, 20_000).catch(
      (err) => {
        throw new Error(`${err.message}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      },
    );
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    await this.exited;
  }
}

/** `functions-framework <args>` with the function in dir, on a free port. */
export async function startFramework(dir: string, args: string[], env: Record<string, string> = {}, port?: number): Promise<Framework> {
  const p = port ?? (await freePort());
  const proc = spawn(hostNode, [frameworkMain, '--source', dir, ...args, ...(args.some((a) => a.startsWith('--port')) ? [] : ['--port', String(p)])], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
  const f = new Framework(proc, p);
  await f.ready();
  return f;
}
