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
  const moduleDir = findUp(dir, 'go.mod');
  if (!moduleDir) {
    return { ok: false, binary, output: `no go.mod in ${dir} or above it: run \`nodego init\` there, or \`go mod init\`` };
  }
  const unwired = runtimeNotWired(dir, moduleDir);
  if (unwired) return { ok: false, binary, output: unwired };
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

/** The Go runtime library, as the npm package carries it. */
const runtimeModule = path.join(__dirname, '..', '..', 'go-template');
const RUNTIME_PATH = 'github.com/nodego/nodego';

/**
 * Code that imports nodego's Go runtime in a module whose go.mod does not
 * name it: the module proxy does not serve it, so go build would only say it
 * cannot find it. Says the two lines that wire it to the npm package.
 */
function runtimeNotWired(dir: string, moduleDir: string): string | undefined {
  const imports = fs.readdirSync(dir).some((f) => f.endsWith('.go') && fs.readFileSync(path.join(dir, f), 'utf8').includes(`"${RUNTIME_PATH}`));
  if (!imports || fs.readFileSync(path.join(moduleDir, 'go.mod'), 'utf8').includes(RUNTIME_PATH)) return undefined;
  const relative = path.relative(moduleDir, runtimeModule).split(path.sep).join('/');
  const target = relative.startsWith('../') ? relative : `./${relative}`;
  return [
    `${path.join(moduleDir, 'go.mod')} does not name ${RUNTIME_PATH}, which the code imports; it comes with the npm package, not from the module proxy. Add:`,
    `  require ${RUNTIME_PATH} v0.0.0`,
    `  replace ${RUNTIME_PATH} => ${target}`,
    '(`nodego init` writes a go.mod with these lines)',
  ].join('\n');
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
