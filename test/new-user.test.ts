// What a new user does, outside this repository: pack a fresh clone, install
// the tarball into an empty directory with its scripts not run and no
// compiler on PATH, `nodego init` each template (Firebase's under the real
// emulator), npm install, npm test, npm
// start with atomic saves rebuilt, npm run package, and the packaged
// function served by the real Functions Framework. One long test on purpose:
// each step is the next one's set-up, as it is for the user.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers/functions-framework.js';
import { hostNode, repoRoot } from './helpers/host.js';
import { eventually, request } from './helpers/http-client.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-new-user-'));
const kills: Array<() => void> = [];
afterAll(() => {
  for (const k of kills) {
    try {
      k();
    } catch {
      // gone already
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
});

/** A PATH with node, npm, npx, go and a shell's basic tools, and no compiler, make or python. */
function userPath(): string {
  const bin = path.join(work, 'path');
  fs.mkdirSync(bin);
  const which = (cmd: string) => execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
  fs.symlinkSync(hostNode, path.join(bin, 'node'));
  for (const tool of ['npm', 'npx', 'go']) fs.symlinkSync(fs.realpathSync(which(tool)), path.join(bin, tool));
  // mktemp, unzip and tar: what the OpenWhisk Node.js runtime (and so its stand-in) unpacks actions with.
  for (const tool of ['sh', 'env', 'cat', 'mkdir', 'rm', 'ls', 'cp', 'mv', 'chmod', 'uname', 'sed', 'grep', 'dirname', 'basename', 'mktemp', 'unzip', 'tar']) {
    fs.symlinkSync(which(tool), path.join(bin, tool));
  }
  return bin;
}

describe('a new user, from a packed fresh clone', () => {
  it('installs, scaffolds each template, tests, serves with atomic saves, packages and deploys', async () => {
    const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) =>
      execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

    // The maintainer's side: a fresh clone, packed.
    const clone = path.join(work, 'clone');
    run('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, clone], work);
    run('npm', ['ci', '--no-audit', '--no-fund'], clone);
    const tarball = path.join(work, run('npm', ['pack', '--silent', '--pack-destination', work], clone).trim().split('\n').at(-1)!);
    const listing = run('tar', ['-tzf', tarball], work);
    expect(listing).toMatch(/package\/prebuilds\/linux-x64\/nodego\.node/);
    if (spawnSync('sh', ['-c', 'command -v aarch64-linux-gnu-g++']).status === 0) expect(listing).toMatch(/package\/prebuilds\/linux-arm64\/nodego\.node/);

    // The user's side: node, npm and go on PATH, nothing to compile C with.
    const PATH = userPath();
    const env = { ...process.env, PATH, HOME: process.env.HOME ?? work };
    expect(spawnSync('/bin/sh', ['-c', 'command -v cc gcc g++ make python3'], { env: { PATH }, encoding: 'utf8' }).stdout).toBe('');
    const user = path.join(work, 'user');
    fs.mkdirSync(user);
    fs.writeFileSync(path.join(user, 'package.json'), JSON.stringify({ name: 'user', private: true }));
    run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', tarball], user, env);
    expect(fs.existsSync(path.join(user, 'node_modules', 'nodego', 'build'))).toBe(false);
    const installed = fs.readdirSync(path.join(user, 'node_modules')).filter((n) => !n.startsWith('.'));
    expect(installed.length).toBeLessThanOrEqual(12);

    for (const [template, answer] of [
      ['http', /answered GET \/ with 200/],
      ['cloudevent', /answered a CloudEvent \(binary mode\) with 204/],
      ['event', /answered a Pub\/Sub legacy event with 204/],
      ['openwhisk', /action answered \/init with 200, then \/run with 200 \{"greeting":"Hello, nodego"\}.*from Go \(bin\/function/],
      // the real Firebase emulator, from the template's devDependencies
      ['firebase', /Loaded functions definitions from source: add, hello[\s\S]*# pass 2\n# fail 0/],
    ] as const) {
      const init = run('npx', ['nodego', 'init', `fn-${template}`, '--template', template], user, env);
      const functionDir = template === 'firebase' ? `fn-${template}/functions` : `fn-${template}`;
      expect(init).toContain(`next: cd ${functionDir} && npm install && npm test`);
      const fn = path.join(user, functionDir);
      expect(JSON.parse(fs.readFileSync(path.join(fn, 'package.json'), 'utf8')).dependencies.nodego).toBe(`file:${tarball}`);
      run('npm', ['install', '--no-audit', '--no-fund'], fn, env);
      expect(run('npm', ['test'], fn, env)).toMatch(answer);
    }

    // npm start, and two atomic saves, each rebuilt and served.
    const fn = path.join(user, 'fn-http');
    const port = await freePort();
    const server = spawn('npm', ['start', '--', '--port', String(port)], { cwd: fn, env, stdio: 'ignore', detached: true });
    kills.push(() => process.kill(-server.pid!, 'SIGKILL'));
    await eventually(() => request({ host: '127.0.0.1', port, path: '/?name=Ada', agent: false }), (r) => r.body === 'Hello, Ada!\n', 60_000);
    const main = path.join(fn, 'main.go');
    const source = fs.readFileSync(main, 'utf8');
    for (const greeting of ['Ciao', 'Hola']) {
      fs.writeFileSync(`${main}.new`, source.replace('"Hello, %s!\\n"', `"${greeting}, %s!\\n"`));
      fs.renameSync(`${main}.new`, main);
      await eventually(() => request({ host: '127.0.0.1', port, path: '/?name=Ada', agent: false }), (r) => r.body === `${greeting}, Ada!\n`, 60_000);
    }
    process.kill(-server.pid!, 'SIGKILL');

    // npm run package, then the platform: npm install with no compiler, the real framework.
    expect(run('npm', ['run', 'package'], fn, env)).toMatch(/nodego package: wrote function\.zip \([\d.]+ MB, \d+ files\)/);
    const deploy = path.join(work, 'deploy');
    const unzip = 'import os, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nfor i in z.infolist():\n    os.chmod(z.extract(i, sys.argv[2]), (i.external_attr >> 16) & 0o777)';
    run('python3', ['-c', unzip, path.join(fn, 'function.zip'), deploy], work);
    run('npm', ['install', '--no-audit', '--no-fund'], deploy, env);
    const deployPort = await freePort();
    const framework = spawn(path.join(deploy, 'node_modules', '.bin', 'functions-framework'), ['--target', 'function', '--port', String(deployPort)], {
      cwd: deploy,
      env,
      stdio: 'ignore',
    });
    kills.push(() => framework.kill('SIGKILL'));
    const reply = await eventually(() => request({ host: '127.0.0.1', port: deployPort, path: '/?name=Cloud', agent: false }), (r) => r.status === 200, 30_000);
    expect(reply.body).toBe('Hola, Cloud!\n');
    expect(fs.readlinkSync(`/proc/${framework.pid}/exe`)).toBe(path.join(deploy, 'bin', 'function'));
  }, 600_000);
});
