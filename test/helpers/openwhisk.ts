// The two ways to run a Go action on OpenWhisk, started for real: the
// self-replacing Go proxy, and the Node.js runtime (our emulator) swapping
// into Go during /init. Both speak the same contract; tests run against each.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { bin } from './binaries.js';
import { hostNode, repoRoot } from './host.js';
import { request, type Reply } from './http-client.js';

export const SENTINEL = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';

export class ActionContainer {
  stdout = '';
  stderr = '';
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private constructor(
    readonly proc: ChildProcessWithoutNullStreams,
    readonly port: number,
  ) {}

  static start(command: string, args: string[], env: Record<string, string>, portFrom: (out: string, err: string) => number | undefined): Promise<ActionContainer> {
    const proc = spawn(command, args, { env: { ...process.env, ...env }, stdio: 'pipe', cwd: os.tmpdir() });
    let out = '';
    let err = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no port from ${command}: ${out} ${err}`)), 15_000);
      const look = () => {
        const port = portFrom(out, err);
        if (port === undefined) return;
        clearTimeout(timer);
        const c = new ActionContainer(proc, port);
        c.stdout = out;
        c.stderr = err;
        proc.stdout.removeAllListeners('data');
        proc.stderr.removeAllListeners('data');
        proc.stdout.on('data', (d: Buffer) => (c.stdout += d.toString('utf8')));
        proc.stderr.on('data', (d: Buffer) => (c.stderr += d.toString('utf8')));
        resolve(c);
      };
      proc.stdout.on('data', (d: Buffer) => ((out += d.toString('utf8')), look()));
      proc.stderr.on('data', (d: Buffer) => ((err += d.toString('utf8')), look()));
      proc.on('exit', (code) => reject(new Error(`${command} exited ${code}: ${out} ${err}`)));
    });
  }

  post(route: '/init' | '/run', payload: unknown, raw?: string | Buffer): Promise<Reply & { json: unknown }> {
    const body = raw ?? JSON.stringify(payload);
    return request({
      host: '127.0.0.1',
      port: this.port,
      method: 'POST',
      path: route,
      agent: this.agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      body,
    }).then((r) => {
      let json: unknown;
      try {
        json = r.body ? JSON.parse(r.body) : undefined;
      } catch {
        json = undefined;
      }
      return { ...r, json };
    });
  }

  sentinels(): [number, number] {
    const count = (s: string) => s.split('\n').filter((l) => l === SENTINEL).length;
    return [count(this.stdout), count(this.stderr)];
  }

  /** Waits until both streams carry n sentinels (they follow the response). */
  async settle(n: number): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && (this.sentinels()[0] < n || this.sentinels()[1] < n)) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGKILL');
      await exited;
    }
  }
}

const goListening = (_out: string, err: string) => {
  const m = /nodego: listening on .*:(\d+)/.exec(err);
  return m ? Number(m[1]) : undefined;
};

/** The standalone self-replacing proxy (examples/openwhisk/exec), optionally under a wrapper command (prlimit ...). */
export function startProxy(env: Record<string, string> = {}, wrapper: string[] = []): Promise<ActionContainer> {
  const [command, ...args] = [...wrapper, bin('ow-exec')];
  return ActionContainer.start(command!, args, { PORT: '0', ...env }, goListening);
}

/** The OpenWhisk Node.js runtime emulator, as `nodego emulate openwhisk`. */
export function startNodeRuntime(env: Record<string, string> = {}): Promise<ActionContainer> {
  return ActionContainer.start(hostNode, [path.join(repoRoot, 'dist', 'cli', 'main.js'), 'emulate', 'openwhisk', '--port', '0'], env, (_out, err) => {
    const m = /"port":(\d+)/.exec(err); // on stderr: the runtime's stdout carries only the action's logs
    return m ? Number(m[1]) : undefined;
  });
}

let zipCache: string | undefined;

/**
 * A Node.js-kind action zip for a Go binary, made by `nodego package
 * --target openwhisk` from a function directory holding index.js,
 * package.json and bin/function.
 */
export function nodeActionZip(binary = bin('owaction')): string {
  if (zipCache && binary === bin('owaction')) return zipCache;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-owfn-'));
  fs.writeFileSync(path.join(dir, 'index.js'), "module.exports = require('nodego').start();\n");
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'go-action', version: '1.0.0', main: 'index.js' }));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.copyFileSync(binary, path.join(dir, 'bin', 'function'));
  fs.chmodSync(path.join(dir, 'bin', 'function'), 0o755);
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  execFileSync(hostNode, [path.join(repoRoot, 'dist', 'cli', 'main.js'), 'package', dir, '--target', 'openwhisk', '--arch', arch], { stdio: 'pipe' });
  const zip = fs.readFileSync(path.join(dir, 'action.zip')).toString('base64');
  if (binary === bin('owaction')) zipCache = zip;
  return zip;
}

export interface Way {
  name: string;
  start(env?: Record<string, string>): Promise<ActionContainer>;
  /** An /init payload whose code runs the owaction entry point `main`. */
  initPayload(main: string, env?: Record<string, unknown>): unknown;
}

export const WAYS: Way[] = [
  {
    name: 'self-replacing Go proxy',
    start: (env) => startProxy(env),
    initPayload: (main, env) => ({ value: { binary: true, main, code: fs.readFileSync(bin('owaction')).toString('base64'), ...(env ? { env } : {}) } }),
  },
  {
    name: 'Node.js runtime swapping into Go',
    start: (env) => startNodeRuntime(env),
    initPayload: (main, env) => ({ value: { binary: true, main, code: nodeActionZip(), ...(env ? { env } : {}) } }),
  },
];
