#!/usr/bin/env node
// npm run conformance: Google's Functions Framework conformance suite
// (functions-framework-conformance client v1.8.8, local mode) against
// examples/conformance, with the real Node.js Functions Framework as the
// host that swaps into Go: http, cloudevent and legacyevent (with the
// legacy <-> CloudEvent mappings), then each under concurrent requests.
// The client is $CONFORMANCE_CLIENT, else `go install`ed.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VERSION = 'v1.8.8';

function client() {
  if (process.env.CONFORMANCE_CLIENT) return process.env.CONFORMANCE_CLIENT;
  const gobin = path.join(root, '.conformance', 'bin');
  const binary = path.join(gobin, 'client');
  if (fs.existsSync(binary)) return binary;
  const install = spawnSync('go', ['install', `github.com/GoogleCloudPlatform/functions-framework-conformance/client@${VERSION}`], {
    env: { ...process.env, GOBIN: gobin },
    encoding: 'utf8',
  });
  if (install.status !== 0) {
    console.error(`conformance: cannot install the client ${VERSION}:\n${install.stderr.trim()}`);
    console.error('conformance: build it from github.com/GoogleCloudPlatform/functions-framework-conformance and set CONFORMANCE_CLIENT to it');
    process.exit(2);
  }
  return binary;
}

const runs = [
  { type: 'http', target: 'http', flags: [] },
  { type: 'http', target: 'typed', flags: ['-declarative-type=typed'] },
  { type: 'cloudevent', target: 'cloudevent', flags: ['-validate-mapping=true'] },
  { type: 'legacyevent', target: 'legacyevent', flags: ['-validate-mapping=true'] },
  { type: 'http', target: 'concurrenthttp', flags: ['-validate-concurrency=true'] },
  { type: 'cloudevent', target: 'concurrentcloudevent', flags: ['-validate-concurrency=true'] },
  { type: 'legacyevent', target: 'concurrentlegacyevent', flags: ['-validate-concurrency=true'] },
];

const bin = client();
const source = path.join(root, 'examples', 'conformance');
execFileSync(process.execPath, [path.join(root, 'dist', 'cli', 'main.js'), 'build', source], { stdio: 'inherit' });
const framework = path.join(root, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-conformance-'));
let passed = 0;
let failed = 0;
for (const run of runs) {
  const label = `${run.type} ${run.flags.join(' ')}`.trim();
  const result = spawnSync(
    bin,
    ['-buildpacks=false', `-type=${run.type}`, ...run.flags, '-cmd', `${process.execPath} ${framework} --source ${source} --target ${run.target}`],
    { cwd: work, encoding: 'utf8' },
  );
  const ok = result.status === 0 && /All validation passed!/.test(result.stderr + result.stdout);
  console.log(`${ok ? 'PASS' : 'FAIL'} conformance ${label}`);
  if (!ok) console.log((result.stdout + result.stderr).split('\n').slice(-40).join('\n'));
  if (ok) passed++;
  else failed++;
}
console.log(`conformance: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
