// Builds, once per run, the Go binaries the tests hand over to.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const out = path.join(root, '.test-bin');
const fixtures = path.join(root, 'test', 'fixtures', 'go');

function build(pkg: string, name: string, goarch?: string, cwd = fixtures, cgo = false) {
  execFileSync('go', ['build', '-trimpath', '-o', path.join(out, name), `./${pkg}`], {
    cwd,
    env: { ...process.env, CGO_ENABLED: cgo ? '1' : '0', ...(goarch ? { GOARCH: goarch } : {}) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

export default function setup() {
  // Everything the tests (and the processes they start) write to the temp
  // directory goes to one of this run's, removed at the end.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-test-run-'));
  process.env.TMPDIR = tmp;
  fs.mkdirSync(out, { recursive: true });
  build('probe', 'probe');
  // The same, linked dynamically through cgo: what a build without
  // CGO_ENABLED=0 gives, and what nodego must refuse.
  build('probe', 'probe-cgo', undefined, fixtures, true);
  build('systemd-target', 'systemd-target');
  build('owaction', 'owaction');
  build('fffuncs', 'fffuncs');
  build('fbmanifest', 'fbmanifest');
  for (const example of ['exec', 'hello', 'ciao']) {
    build(`openwhisk/${example}`, `ow-${example}`, undefined, path.join(root, 'examples'));
  }
  // A binary for the other common CPU than this one.
  build('noop', 'noop-foreign', process.arch === 'arm64' ? 'amd64' : 'arm64');
  return () => fs.rmSync(tmp, { recursive: true, force: true });
}
