// `nodego doctor`: what this machine has and lacks for nodego, each with a fix.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addon } from '../addon.js';
import { resolveBinary, validateBinary } from '../binary.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function checks(functionDir: string): Check[] {
  const out: Check[] = [];
  const linux = process.platform === 'linux';
  out.push({
    name: 'execve hand-off',
    ok: linux,
    detail: linux ? 'Linux: supported' : `${process.platform}: not supported (nodego swaps only on Linux)`,
    ...(linux ? {} : { fix: 'deploy to a Linux runtime; locally, run the Go function with `go run .`' }),
  });
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const nodeOk = major > 20 || (major === 20 && minor >= 17);
  out.push({
    name: 'node version',
    ok: nodeOk,
    detail: `${process.version} at ${process.execPath}`,
    ...(nodeOk ? {} : { fix: 'use Node.js 20.17 or newer' }),
  });
  const nodeCmd = onPath('node') ?? onPath('nodejs');
  out.push({
    name: 'node binary',
    ok: nodeCmd !== undefined,
    detail: nodeCmd ? `${path.basename(nodeCmd)} on PATH: ${nodeCmd}` : 'neither `node` nor `nodejs` is on PATH',
    ...(nodeCmd ? {} : { fix: 'install Node.js, or link nodejs to node (Debian: apt-get install nodejs)' }),
  });
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  const goMinor = Number(/go1\.(\d+)/.exec(go.stdout ?? '')?.[1] ?? 0);
  const goOk = go.status === 0 && goMinor >= 23;
  out.push({
    name: 'Go toolchain',
    ok: goOk,
    detail: go.status === 0 ? go.stdout.trim() : 'no `go` on PATH',
    ...(goOk ? {} : { fix: 'install Go 1.23 or newer (needed to build, not to run)' }),
  });
  const unpackers = ['mktemp', 'unzip', 'tar'].filter((tool) => onPath(tool) === undefined);
  out.push({
    name: 'OpenWhisk unpacking tools',
    ok: unpackers.length === 0,
    detail: unpackers.length === 0 ? 'mktemp, unzip and tar on PATH (nodego emulate openwhisk unpacks actions with them, as the runtime does)' : `no ${unpackers.join(', ')} on PATH`,
    ...(unpackers.length === 0 ? {} : { fix: `install ${unpackers.join(', ')} (Debian: apt-get install ${unpackers.map((t) => (t === 'mktemp' ? 'coreutils' : t)).join(' ')})` }),
  });
  let addonOk = false;
  let addonDetail = '';
  try {
    const native = addon();
    const fd = native.createMemfd('nodego-doctor', new Uint8Array([1]), 3);
    fs.closeSync(fd);
    addonOk = native.onMainThread();
    addonDetail = 'loads; memfd_create and fd inspection work';
  } catch (err) {
    addonDetail = (err as Error).message;
  }
  out.push({
    name: 'native addon',
    ok: addonOk,
    detail: addonDetail,
    ...(addonOk ? {} : { fix: 'run `npm rebuild nodego` with a C++ compiler present, or install the published package' }),
  });
  try {
    const info = validateBinary(resolveBinary(functionDir));
    out.push({
      name: 'function binary',
      ok: true,
      detail: `${info.path}: ${info.format}${info.arch ? ` for ${info.arch}` : ''}${info.interpreter ? `, runs ${info.interpreter}` : ', static'}`,
    });
  } catch (err) {
    const e = err as Error & { fix?: string };
    out.push({ name: 'function binary', ok: false, detail: e.message, fix: e.fix ?? 'run `nodego build`' });
  }
  return out;
}

export function doctor(functionDir: string): number {
  const results = checks(functionDir);
  for (const c of results) {
    process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}\n`);
    if (!c.ok && c.fix) process.stdout.write(`     fix: ${c.fix}\n`);
  }
  return results.every((c) => c.ok) ? 0 : 1;
}
