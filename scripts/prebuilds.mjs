#!/usr/bin/env node
// prepack: the prebuilt addons every packed nodego ships, so that installing
// it needs no compiler and no install script (npm 11 runs none unless
// approved): linux-x64 and linux-arm64, glibc. The host's own CPU is built
// with its compiler; the other one with Debian's cross compiler
// (g++-aarch64-linux-gnu on x64, g++-x86-64-linux-gnu on arm64). Without it,
// that prebuild is left out with a warning, or, with
// NODEGO_ALL_PREBUILDS=1 (CI), the pack fails.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const prebuildify = path.join(root, 'node_modules', 'prebuildify', 'bin.js');
const TARGETS = [
  { arch: 'x64', triple: 'x86_64-linux-gnu' },
  { arch: 'arm64', triple: 'aarch64-linux-gnu' },
];

const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
const env = { ...process.env };
// node-gyp must not download Node's headers where the system has them.
if (!env.npm_config_nodedir && fs.existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';

const missing = [];
// The host's own last, so that build/ ends up holding the addon for this machine.
for (const { arch, triple } of [...TARGETS].sort((a, b) => Number(a.arch === process.arch) - Number(b.arch === process.arch))) {
  const cross = arch !== process.arch;
  const toolchain = cross ? { CC: `${triple}-gcc`, CXX: `${triple}-g++`, LINK: `${triple}-g++`, PREBUILD_STRIP_BIN: `${triple}-strip` } : {};
  if (cross && !onPath(toolchain.CXX)) {
    missing.push(`linux-${arch} (no ${toolchain.CXX}: apt-get install g++-${triple.replace(/_/g, '-')})`);
    continue;
  }
  process.stderr.write(`prebuild: linux-${arch}${cross ? ` with ${toolchain.CXX}` : ''}\n`);
  const result = spawnSync(process.execPath, [prebuildify, '--napi', '--strip', `--arch=${arch}`], {
    cwd: root,
    env: { ...env, ...toolchain },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    process.stderr.write(`prebuild: linux-${arch} failed\n`);
    process.exit(1);
  }
}
if (missing.length > 0) {
  process.stderr.write(`prebuild: left out ${missing.join('; ')}\n`);
  if (process.env.NODEGO_ALL_PREBUILDS === '1') process.exit(1);
}
