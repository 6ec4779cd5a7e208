// A user's loop for an OpenWhisk action, as the README tells it: nodego init,
// npm install, npm test, npm run package, then the zip deployed to a Node.js
// runtime (our emulator) answers /init and /run from Go.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hostNode, repoRoot } from './helpers/host.js';
import { startNodeRuntime, type ActionContainer } from './helpers/openwhisk.js';

let c: ActionContainer | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: `${path.dirname(hostNode)}:${process.env.PATH}` } });

describe('nodego init --template openwhisk', () => {
  it('scaffolds an action that builds, tests, packages and runs on the Node.js runtime', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-init-')), 'greeter');
    run(hostNode, [cli, 'init', dir, '--template', 'openwhisk'], repoRoot);
    expect(fs.readdirSync(dir).sort()).toEqual(['.gitignore', 'go.mod', 'index.js', 'main.go', 'main_test.go', 'package.json']);
    run('npm', ['install', '--no-save', '--no-audit', '--no-fund', `file:${repoRoot}`], dir);
    const test = run('npm', ['test'], dir);
    expect(test).toMatch(/ok\s+greeter/);
    run('npm', ['run', 'package'], dir);
    const zip = fs.readFileSync(path.join(dir, 'action.zip')).toString('base64');

    c = await startNodeRuntime();
    const init = await c.post('/init', { value: { binary: true, main: 'main', code: zip } });
    expect(init.status).toBe(200);
    expect((await c.post('/run', { value: { name: 'Ada' } })).json).toEqual({ greeting: 'Hello, Ada' });
    expect((await c.post('/run', { value: {} })).json).toEqual({ error: 'no name specified' });
  });

  it('refuses to package a binary older than its Go source, or missing', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-init-')), 'stale');
    run(hostNode, [cli, 'init', dir, '--template', 'openwhisk'], repoRoot);
    const pkg = () => {
      try {
        run(hostNode, [cli, 'package', dir, '--target', 'openwhisk'], dir);
        return '';
      } catch (err) {
        return String((err as { stderr?: string }).stderr);
      }
    };
    expect(pkg()).toMatch(/no Go binary at .*bin\/function: run `nodego build`/);
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.copyFileSync(path.join(repoRoot, '.test-bin', 'owaction'), path.join(dir, 'bin', 'function'));
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(path.join(dir, 'main.go'), later, later);
    expect(pkg()).toMatch(/bin\/function is older than main\.go: run `nodego build` first/);
    fs.copyFileSync(path.join(repoRoot, '.test-bin', 'noop-foreign'), path.join(dir, 'bin', 'function'));
    const latest = new Date(Date.now() + 10_000);
    fs.utimesSync(path.join(dir, 'bin', 'function'), latest, latest);
    expect(pkg()).toMatch(/bin\/function was built for arm64, the target is x64: run `nodego build`/);
  });
});
