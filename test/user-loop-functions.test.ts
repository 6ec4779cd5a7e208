// A user's loop for a Cloud Function, as the README tells it: nodego init,
// npm install, npm test (build, go test, one real request through the real
// Functions Framework), npm start (serves, rebuilds on a .go change), and
// npm run package, whose function.zip installs without a compiler and runs.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './helpers/functions-framework.js';
import { hostNode, repoRoot } from './helpers/host.js';
import { eventually, request } from './helpers/http-client.js';

const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const PATH = `${path.dirname(hostNode)}:${process.env.PATH}`;
const run = (cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH, ...env } });

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function scaffold(template: string): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-fn-')), `my-${template}`);
  run(hostNode, [cli, 'init', dir, '--template', template], repoRoot);
  // What `npm install` does once nodego is on the registry: here, from this checkout.
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', `file:${repoRoot}`, '@google-cloud/functions-framework@^5.0.5'], dir);
  return dir;
}

describe('nodego init, npm test', () => {
  for (const [template, answer] of [
    ['http', /answered GET \/ with 200/],
    ['cloudevent', /answered a CloudEvent \(binary mode\) with 204/],
    ['event', /answered a Pub\/Sub legacy event with 204/],
  ] as const) {
    it(`--template ${template}: builds, passes go test, answers a real request from Go`, () => {
      const dir = scaffold(template);
      const out = run('npm', ['test'], dir);
      expect(out).toMatch(new RegExp(`ok\\s+my-${template}`));
      expect(out).toMatch(answer);
      expect(out).toMatch(/from Go \(bin\/function, pid \d+\)/);
    });
  }
});

describe('the http template, served and deployed', () => {
  it('npm start serves on the port and rebuilds when a .go file changes', async () => {
    const dir = scaffold('http');
    const port = await freePort();
    const server = spawn('npm', ['start', '--', '--port', String(port)], { cwd: dir, env: { ...process.env, PATH }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    cleanups.push(() => process.kill(-server.pid!, 'SIGKILL'));
    let log = '';
    server.stdout.on('data', (d) => (log += d));
    const first = await eventually(() => request({ host: '127.0.0.1', port, path: '/?name=Ada', agent: false }), (r) => r.status === 200, 60_000);
    expect(first.body).toBe('Hello, Ada!\n');
    expect(log).toContain(`nodego serve: http://localhost:${port}`);
    const main = path.join(dir, 'main.go');
    fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace('"Hello, %s!\\n"', '"Ciao, %s!\\n"'));
    const second = await eventually(() => request({ host: '127.0.0.1', port, path: '/?name=Ada', agent: false }), (r) => r.body === 'Ciao, Ada!\n', 60_000);
    expect(second.status).toBe(200);
  });

  it('npm start rebuilds on every atomic save (a new file renamed over main.go, as vim, JetBrains and sed -i do)', async () => {
    const dir = scaffold('http');
    const port = await freePort();
    const server = spawn('npm', ['start', '--', '--port', String(port)], { cwd: dir, env: { ...process.env, PATH }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    cleanups.push(() => process.kill(-server.pid!, 'SIGKILL'));
    let log = '';
    server.stderr.on('data', (d) => (log += d));
    await eventually(() => request({ host: '127.0.0.1', port, path: '/?name=Ada', agent: false }), (r) => r.body === 'Hello, Ada!\n', 60_000);
    const main = path.join(dir, 'main.go');
    const original = fs.readFileSync(main, 'utf8');
    for (const greeting of ['Ciao', 'Hola', 'Salut']) {
      const temp = path.join(dir, `.main.go.${greeting}.swp`);
      fs.writeFileSync(temp, original.replace('"Hello, %s!\\n"', `"${greeting}, %s!\\n"`));
      fs.renameSync(temp, main);
      const reply = await eventually(() => request({ host: '127.0.0.1', port, path: '/?name=Ada', agent: false }), (r) => r.body === `${greeting}, Ada!\n`, 60_000);
      expect(reply.status).toBe(200);
    }
    expect(log).toMatch(/nodego serve: main\.go changed: rebuilding/);
    expect(log).toMatch(/nodego build: bin\/function \(linux\/\w+\) done in [\d.]+ s/);
  });

  it('npm run package: function.zip installs with no compiler and runs under the Functions Framework', async () => {
    const dir = scaffold('http');
    if (!fs.existsSync(path.join(repoRoot, 'prebuilds'))) {
      execFileSync(hostNode, [path.join(repoRoot, 'node_modules', 'prebuildify', 'bin.js'), '--napi', '--strip'], { cwd: repoRoot, stdio: 'pipe' });
    }
    run('npm', ['run', 'package'], dir);
    const deploy = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-deploy-'));
    const unzip = 'import os, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nfor i in z.infolist():\n    os.chmod(z.extract(i, sys.argv[2]), (i.external_attr >> 16) & 0o777)';
    execFileSync('python3', ['-c', unzip, path.join(dir, 'function.zip'), deploy]);
    expect(JSON.parse(fs.readFileSync(path.join(deploy, 'package.json'), 'utf8')).dependencies.nodego).toMatch(/^file:vendor\/nodego-.*\.tgz$/);
    // The platform's install, with no compiler anywhere on PATH.
    const nodeOnly = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-path-'));
    for (const tool of ['node', 'npm']) fs.symlinkSync(tool === 'node' ? hostNode : execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim(), path.join(nodeOnly, tool));
    execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: deploy, env: { ...process.env, PATH: `${nodeOnly}:/bin` }, stdio: 'pipe' });
    expect(fs.existsSync(path.join(deploy, 'node_modules', 'nodego', 'build'))).toBe(false);
    const port = await freePort();
    const framework = path.join(deploy, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');
    const host = spawn(hostNode, [framework, '--target', 'function', '--port', String(port)], { cwd: deploy, env: { PATH: nodeOnly, HOME: deploy }, stdio: 'ignore' });
    cleanups.push(() => host.kill('SIGKILL'));
    const reply = await eventually(() => request({ host: '127.0.0.1', port, path: '/?name=Cloud', agent: false }), (r) => r.status === 200);
    expect(reply.body).toBe('Hello, Cloud!\n');
    expect(fs.readlinkSync(`/proc/${host.pid}/exe`)).toBe(path.join(deploy, 'bin', 'function'));
  });
});
