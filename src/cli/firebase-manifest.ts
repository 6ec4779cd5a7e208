// A Firebase codebase's functions.yaml: the manifest firebase-tools reads to
// learn the functions (deploy and emulator alike). The Go binary writes it
// from its own registrations (FUNCTIONS_MANIFEST_OUTPUT_PATH, the SDK's
// convention), so it never drifts from the code, and refuses what
// firebase-tools would refuse, with the reason.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { goArch } from '../arch.js';

export const MANIFEST = 'functions.yaml';

/**
 * Writes dir/functions.yaml by running the binary (built for goarch); a
 * binary for another CPU is rebuilt for this one first, by build.
 */
export function writeFirebaseManifest(
  dir: string,
  binary: string,
  goarch: string,
  build: (out: string) => { ok: boolean; output: string },
): { ok: boolean; output: string } {
  let runnable = binary;
  let scratch: string | undefined;
  if (goarch !== goArch()) {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-manifest-'));
    runnable = path.join(scratch, 'function');
    const native = build(runnable);
    if (!native.ok) {
      fs.rmSync(scratch, { recursive: true, force: true });
      return { ok: false, output: `building a native binary to write ${MANIFEST}: ${native.output}` };
    }
  }
  try {
    const result = spawnSync(runnable, [], {
      cwd: dir,
      env: { ...process.env, FUNCTIONS_MANIFEST_OUTPUT_PATH: path.join(dir, MANIFEST) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (result.error) return { ok: false, output: `running ${runnable} to write ${MANIFEST}: ${result.error.message}` };
    if (result.status !== 0) {
      return { ok: false, output: `${MANIFEST} not written: ${(result.stderr || result.stdout).trim() || `exit status ${result.status}`}` };
    }
    return { ok: true, output: '' };
  } finally {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}
