// nodego/preload (NODE_OPTIONS=--require=nodego/preload): the Functions
// Framework process swaps into Go before the framework loads anything, with
// the framework's own option precedence; every other process is left alone.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { frameworkMain, freePort, startFramework, type Framework } from './helpers/functions-framework.js';
import { hostNode, repoRoot } from './helpers/host.js';
import { request } from './helpers/http-client.js';

const fn = path.join(repoRoot, 'test', 'fixtures', 'ff-preload');
const link = path.join(fn, 'node_modules', 'nodego');
const preload = { NODE_OPTIONS: '--max-old-space-size=256 --require=nodego/preload', FFFUNCS_BINARY: bin('fffuncs') };
let f: Framework | undefined;

// As `npm install` would have it: the function's node_modules/nodego.
beforeAll(() => {
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.rmSync(link, { force: true });
  fs.symlinkSync(repoRoot, link);
});
afterAll(() => fs.rmSync(path.join(fn, 'node_modules'), { recursive: true, force: true }));
afterEach(async () => {
  await f?.stop();
  f = undefined;
});

describe('nodego/preload under the Functions Framework', () => {
  it('swaps before the framework loads the function (or anything else), and Go serves it', async () => {
    f = await startFramework(fn, ['--target', 'echo'], { ...preload, NODEGO_BINARY: bin('fffuncs') });
    const reply = await request({ host: '127.0.0.1', port: f.port, path: '/hi', method: 'POST', body: 'x' });
    expect(reply.body).toBe('go POST /hi x');
    expect(fs.readlinkSync(`/proc/${f.pid}/exe`)).toBe(bin('fffuncs'));
    expect(f.stderr).not.toContain('index.js loaded by the framework');
  });

  it('resolves flags over variables as the framework does', async () => {
    const flagPort = await freePort();
    f = await startFramework(fn, ['--target', 'echo', '--port', String(flagPort)], { ...preload, NODEGO_BINARY: bin('fffuncs'), PORT: String(await freePort()), FUNCTION_TARGET: 'nosuch' }, flagPort);
    expect((await request({ host: '127.0.0.1', port: flagPort, path: '/p' })).body).toBe('go GET /p ');
  });

  it('when it cannot swap (no binary), says why and leaves the framework to load the function, whose start() says it again', async () => {
    const port = await freePort();
    const r = spawnSync(hostNode, [frameworkMain, '--source', fn, '--target', 'echo', '--port', String(port)], {
      cwd: fn,
      env: { ...process.env, NODE_OPTIONS: '--require=nodego/preload' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.stderr).toMatch(/^nodego\/preload: nodego: no Go binary at .*ff-preload\/bin\/function/m);
    expect(r.stderr).toContain('index.js loaded by the framework');
    expect(r.stderr.match(/no Go binary at .*ff-preload\/bin\/function/g)?.length).toBeGreaterThanOrEqual(2);
    expect(r.stderr).not.toContain('not swapping');
    expect(r.status).not.toBe(0);
  });

  it('leaves a function that does not depend on nodego to the framework', async () => {
    f = await startFramework(path.join(repoRoot, 'test', 'fixtures', 'ff-node'), ['--target', 'echo'], preload);
    expect((await request({ host: '127.0.0.1', port: f.port, path: '/n' })).body).toMatch(/^node GET \/n/);
  });
});

describe('nodego/preload anywhere else', () => {
  it('does nothing in a process that is not the framework, a build step that requires the function included', () => {
    const env = { ...process.env, ...preload, NODEGO_BINARY: bin('fffuncs') };
    expect(execFileSync(hostNode, ['-e', 'console.log("still node", process.pid > 0)'], { cwd: fn, env, encoding: 'utf8' })).toBe('still node true\n');
    const build = execFileSync(hostNode, ['-e', `require(${JSON.stringify(fn)}); console.log('built')`], { cwd: fn, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(build).toBe('built\n');
  });
});
