// `nodego build`: the function's Go code, compiled static for the target.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { goArch } from '../arch.js';
import { DEFAULT_BINARY } from '../binary.js';
import { functionConfig, readPackageJson } from '../function-config.js';
import { MANIFEST, writeFirebaseManifest } from './firebase-manifest.js';

export interface BuildOptions {
  dir: string;
  /** GOARCH; default this machine's. */
  arch?: string;
  /** Output path relative to dir; default bin/function. */
  out?: string;
  /** Keep go's output and the progress lines to the result; default: show them. */
  quiet?: boolean;
  /** With no Go toolchain here, keep a valid existing binary instead of failing. */
  ifGo?: boolean;
  /** Skip a Firebase codebase's functions.yaml (a scratch build). */
  noManifest?: boolean;
}

export interface BuildResult {
  ok: boolean;
  binary: string;
  output: string;
}

export function goBuild(options: BuildOptions): BuildResult {
  const dir = path.resolve(options.dir);
  const binary = path.resolve(dir, options.out ?? DEFAULT_BINARY);
  if (!fs.existsSync(path.join(dir, 'go.mod')) && !findUp(dir, 'go.mod')) {
    return { ok: false, binary, output: `no go.mod in ${dir} or above it: run \`nodego init\` there, or \`go mod init\`` };
  }
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  const goarch = options.arch ?? goArch();
  const what = `${path.relative(dir, binary) || binary} (linux/${goarch})`;
  if (!options.quiet) process.stderr.write(`nodego build: building ${what} ...\n`);
  const started = Date.now();
  const result = spawnSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', binary, '.'], {
    cwd: dir,
    env: { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOARCH: goarch, GOWORK: goWork(dir) },
    encoding: 'utf8',
    stdio: options.quiet ? 'pipe' : ['ignore', 'inherit', 'inherit'],
  });
  if (!options.quiet && !result.error) {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`nodego build: ${what} ${result.status === 0 ? 'done' : 'failed'} in ${seconds} s\n`);
  }
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    if (missing && options.ifGo && fs.existsSync(binary)) {
      return { ok: true, binary, output: 'no Go toolchain here: keeping the binary that came with the function' };
    }
    return {
      ok: false,
      binary,
      output: !missing
        ? result.error.message
        : options.ifGo
          ? `there is no Go toolchain here (a platform's build step?) and no ${path.relative(dir, binary)} to keep: build it before you deploy (\`nodego build\`, or \`npm run package\`) and upload it (.gcloudignore keeps bin/)`
          : 'the Go toolchain (`go`) is not on PATH: install Go 1.23 or newer',
    };
  }
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || options.noManifest || !functionConfig(readPackageJson(dir)).firebase) return { ok: result.status === 0, binary, output };
  const manifest = writeFirebaseManifest(dir, binary, goarch, (out) => goBuild({ ...options, arch: goArch(), out, quiet: true, noManifest: true }));
  if (!options.quiet && manifest.ok) process.stderr.write(`nodego build: wrote ${MANIFEST}\n`);
  return { ok: manifest.ok, binary, output: manifest.ok ? output : `${output}${manifest.output}` };
}

function findUp(dir: string, name: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, name))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * A function builds the same wherever it sits: a go.work above it (this
 * repository's, say) is not its own, so it is ignored; one in the function's
 * own directory, or GOWORK set by the user, is used.
 */
export function goWork(dir: string): string {
  if (process.env.GOWORK) return process.env.GOWORK;
  return fs.existsSync(path.join(dir, 'go.work')) ? path.join(dir, 'go.work') : 'off';
}
