// What users install: the packed tarball, with a prebuilt addon, installed
// with --ignore-scripts where no compiler is on PATH, still swaps. And the
// cmake-js build of the addon does the same job as the node-gyp one.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { HostProcess, hostNode, repoRoot, startHost } from './helpers/host.js';
import { eventually, request } from './helpers/http-client.js';
import { spawn } from 'node:child_process';

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let host: HostProcess | undefined;
afterEach(async () => {
  await host?.kill();
  host = undefined;
});

async function expectSwap(h: HostProcess) {
  const port = ((await h.waitForEvent('listening')).addresses as Array<{ port: number }>)[0]!.port;
  expect((await request({ host: '127.0.0.1', port, path: '/' })).headers['x-served-by']).toBe('node');
  h.send({ cmd: 'swap', binary: bin('probe') });
  const reply = await eventually(() => request({ host: '127.0.0.1', port, path: '/' }), (r) => r.headers['x-served-by'] === 'go');
  expect(reply.headers['x-pid']).toBe(String(h.pid));
}

describe('the published package', () => {
  it('installs from its tarball with --ignore-scripts and no compiler, and swaps with the prebuilt addon', async () => {
    execFileSync(process.execPath, [path.join(repoRoot, 'node_modules', 'prebuildify', 'bin.js'), '--napi', '--strip'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-pack-'));
    const tarball = npm(['pack', '--pack-destination', work, '--silent'], repoRoot).trim().split('\n').at(-1)!;
    const listing = execFileSync('tar', ['-tzf', path.join(work, tarball)], { encoding: 'utf8' });
    expect(listing).toMatch(/package\/prebuilds\/linux-x64\/nodego\.node/);
    expect(listing).toMatch(/package\/dist\/index\.js/);
    expect(listing).toMatch(/package\/go-template\/handoff\/receive\.go/);
    expect(listing).not.toMatch(/package\/build\//);

    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', path.join(work, tarball)], app);
    expect(fs.existsSync(path.join(app, 'node_modules', 'nodego', 'build'))).toBe(false);

    // A host in the app that requires the installed package, with a PATH that
    // holds node and nothing else: no compiler, no make, no python.
    fs.copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'hosts', 'plain-host.js'), path.join(app, 'host.js'));
    const nodeOnly = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-path-'));
    fs.symlinkSync(hostNode, path.join(nodeOnly, 'node'));
    expect(spawnSync('/bin/sh', ['-c', 'command -v g++ cc make python3'], { env: { PATH: nodeOnly }, encoding: 'utf8' }).stdout).toBe('');
    const proc = spawn(path.join(nodeOnly, 'node'), [path.join(app, 'host.js')], {
      cwd: app,
      env: { PATH: nodeOnly, HOME: work },
      stdio: 'pipe',
    });
    host = new HostProcess(proc);
    await expectSwap(host);
  });

  it('`npm run build:cmake` builds an addon that swaps the same way', async () => {
    const out = npm(['run', 'build:cmake'], repoRoot);
    const addonPath = path.join(repoRoot, 'build-cmake', 'Release', 'nodego.node');
    expect(fs.existsSync(addonPath), out).toBe(true);
    host = startHost('plain-host.js', { NODEGO_ADDON_PATH: addonPath });
    await expectSwap(host);
  });
});
