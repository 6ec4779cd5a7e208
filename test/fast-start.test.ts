// The fast start (`nodego package --fast-start`): the packaged function maps
// @google-cloud/functions-framework to nodego's stand-in, whose
// functions-framework command runs the Go binary. Launched exactly as the
// Node.js buildpack launches a function (`npm install` of the package, then
// `/bin/bash -c node_modules/.bin/functions-framework` with the platform's
// variables), no Node process ever runs.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers/functions-framework.js';
import { hostNode, repoRoot } from './helpers/host.js';
import { eventually, request } from './helpers/http-client.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-fast-'));
const kills: Array<() => void> = [];
afterAll(() => {
  for (const k of kills) k();
  fs.rmSync(work, { recursive: true, force: true });
});
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('the fast start', () => {
  it('serves the function from Go with no Node, launched as the buildpack launches it; flags win over variables', async () => {
    const fn = path.join(work, 'fast');
    run(hostNode, [path.join(repoRoot, 'dist', 'cli', 'main.js'), 'init', fn, '--template', 'http'], work);
    run('npm', ['install', '--no-save', '--no-audit', '--no-fund', `file:${repoRoot}`, '@google-cloud/functions-framework@^5.0.5'], fn);
    if (!fs.existsSync(path.join(repoRoot, 'prebuilds', `linux-${process.arch}`))) run(process.execPath, [path.join(repoRoot, 'scripts', 'prebuilds.mjs')], repoRoot);
    run('npm', ['run', 'package', '--', '--fast-start'], fn);
    const deploy = path.join(work, 'deploy');
    const unzip = 'import os, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nfor i in z.infolist():\n    os.chmod(z.extract(i, sys.argv[2]), (i.external_attr >> 16) & 0o777)';
    run('python3', ['-c', unzip, path.join(fn, 'function.zip'), deploy], work);
    expect(JSON.parse(fs.readFileSync(path.join(deploy, 'package.json'), 'utf8')).dependencies['@google-cloud/functions-framework']).toBe('file:vendor/functions-framework');
    run('npm', ['install', '--no-audit', '--no-fund'], deploy);

    // The buildpack's launch: bash -c on the framework's command, the platform's variables.
    const port = await freePort();
    const proc = spawn('/bin/bash', ['-c', 'node_modules/.bin/functions-framework'], {
      cwd: deploy,
      env: { PATH: process.env.PATH, FUNCTION_TARGET: 'function', FUNCTION_SIGNATURE_TYPE: 'http', PORT: String(port), K_SERVICE: 'fast' },
      stdio: 'ignore',
    });
    kills.push(() => proc.kill('SIGKILL'));
    const reply = await eventually(() => request({ host: '127.0.0.1', port, path: '/?name=Ada', agent: false }), (r) => r.status === 200, 20_000);
    expect(reply.body).toBe('Hello, Ada!\n');
    expect(fs.readlinkSync(`/proc/${proc.pid}/exe`)).toBe(path.join(deploy, 'bin', 'function'));

    // The framework's flags, over its variables.
    const flagPort = await freePort();
    const flagged = spawn(path.join(deploy, 'node_modules', '.bin', 'functions-framework'), ['--port', String(flagPort), '--target=function'], {
      cwd: deploy,
      env: { PATH: process.env.PATH, PORT: String(await freePort()), FUNCTION_TARGET: 'nosuch' },
      stdio: 'ignore',
    });
    kills.push(() => flagged.kill('SIGKILL'));
    const viaFlags = await eventually(() => request({ host: '127.0.0.1', port: flagPort, path: '/?name=Flag', agent: false }), (r) => r.status === 200, 20_000);
    expect(viaFlags.body).toBe('Hello, Flag!\n');
  }, 180_000);
});
