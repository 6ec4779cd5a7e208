// The benchmark's plumbing, shared by the contenders and the runner: where
// the binaries are, pinned processes, the load generator, first answers and
// memory of a process tree.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CONNECTIONS = 64;
const binDir = path.join(root, '.bench-bin');
export const bin = (n) => path.join(binDir, n);
export const frameworkMain = path.join(root, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const log = (s) => process.stderr.write(`${s}\n`);

export function build() {
  fs.mkdirSync(binDir, { recursive: true });
  const go = (pkg, out, cwd = path.join(root, 'bench', 'go')) =>
    execFileSync('go', ['build', '-trimpath', '-o', bin(out), pkg], { cwd, env: { ...process.env, CGO_ENABLED: '0' }, stdio: 'inherit' });
  for (const p of ['loadgen', 'gohello', 'actionloop']) go(`./${p}`, p);
  // The Go action as `nodego build` builds a function: symbols and DWARF stripped.
  execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', bin('owhello'), './owhello'], { cwd: path.join(root, 'bench', 'go'), env: { ...process.env, CGO_ENABLED: '0' }, stdio: 'inherit' });
  go('./openwhisk/exec', 'ow-exec', path.join(root, 'examples'));
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export function pinned(core, command, args, options = {}) {
  return spawn('taskset', ['-c', String(core), command, ...args], { detached: true, ...options });
}

export function kill(proc) {
  try {
    process.kill(-proc.pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/** GET / until it answers 200; ms from t0. */
export async function firstAnswer(port, t0, timeoutMs = 20_000) {
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n'));
      let data = '';
      s.on('data', (d) => (data += d));
      s.on('end', () => resolve(data.startsWith('HTTP/1.1 200')));
      s.on('error', () => resolve(false));
    });
    if (ok) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`no answer on ${port}`);
    await sleep(1);
  }
}

export function loadgen(port, seconds, connections = CONNECTIONS, extra = []) {
  return new Promise((resolve, reject) => {
    const p = pinned(1, bin('loadgen'), ['-addr', `127.0.0.1:${port}`, '-c', String(connections), '-d', `${seconds}s`, ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`loadgen exited ${code}`))));
  });
}

/** Resident memory of pid and all its descendants, in MiB. */
export function treeRssMiB(pid) {
  let kb = 0;
  const visit = (p) => {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      for (const t of fs.readdirSync(`/proc/${p}/task`)) {
        for (const c of fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').split(' ').filter(Boolean)) visit(c);
      }
    } catch {
      // exited
    }
  };
  visit(pid);
  return kb / 1024;
}

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * CPU time (user + system) of pid and all its descendants, in ms, from
 * /proc: the server side's cost, whatever the load generator can do.
 */
export function treeCpuMs(pid) {
  let ticks = 0;
  const visit = (p) => {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      for (const t of fs.readdirSync(`/proc/${p}/task`)) {
        for (const c of fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').split(' ').filter(Boolean)) visit(c);
      }
    } catch {
      // exited
    }
  };
  visit(pid);
  return (ticks * 1000) / clockTicks;
}

/** A variable of the environment pid was exec'd with (the Go process after a swap). */
export function startEnv(pid, name) {
  const entry = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((kv) => kv.startsWith(`${name}=`));
  if (!entry) throw new Error(`process ${pid} was not started with ${name}`);
  return entry.slice(name.length + 1);
}

export function readLines(proc) {
  const lines = [];
  proc.stdout?.on('data', (d) => lines.push(...String(d).split('\n').filter(Boolean)));
  return lines;
}

export async function waitFor(lines, test, timeoutMs = 20_000) {
  const t0 = Date.now();
  for (;;) {
    const found = lines.find(test);
    if (found) return found;
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting for a host line');
    await sleep(2);
  }
}
