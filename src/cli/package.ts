// `nodego package`: the archive to upload.
// - openwhisk: an action zip for the Node.js kind: index.js, package.json, the
//   Go binary, and the parts of nodego that run at /init (its JavaScript and a
//   prebuilt addon), since that runtime installs nothing.
// - gcf: function.zip for a Node.js Cloud Function: index.js, package.json,
//   the Go binary and sources, and nodego itself as a vendored tarball with
//   its prebuilt addon, so the platform's npm install compiles nothing.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yazl from 'yazl';
import { DEFAULT_BINARY, resolveBinary, validateBinary } from '../binary.js';
import { NodegoError } from '../errors.js';
import { goArch, nodeArch as nodeArchOf } from '../arch.js';
import { FAST_START_DEPENDENCY, fastStartFiles } from './fast-start.js';

const packageRoot = path.join(__dirname, '..', '..');
const ownVersion = (JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
const FRAMEWORK = '@google-cloud/functions-framework';

export interface PackageOptions {
  dir: string;
  target: 'openwhisk' | 'gcf';
  /** GOARCH of the platform; default amd64, what the public platforms run. */
  arch?: string;
  out?: string;
  /** gcf: the framework's command runs the Go binary, no Node at all (fast-start.ts). */
  fastStart?: boolean;
}

interface Entry {
  file?: string;
  data?: Buffer;
  name: string;
  mode: number;
}

/** Files under dir, relative names, skipping what filter refuses. */
function walk(dir: string, prefix: string, filter: (rel: string) => boolean = () => true): Entry[] {
  const out: Entry[] = [];
  for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, item.name);
    const rel = path.posix.join(prefix, item.name);
    if (!filter(rel)) continue;
    if (item.isDirectory()) out.push(...walk(file, rel, filter));
    else if (item.isFile()) out.push({ file, name: rel, mode: fs.statSync(file).mode & 0o777 });
  }
  return out;
}

function newestSource(dir: string): { file: string; mtime: number } | undefined {
  let newest: { file: string; mtime: number } | undefined;
  for (const e of walk(dir, '', (rel) => !/^(node_modules|bin)(\/|$)/.test(rel))) {
    if (!/\.go$|(^|\/)go\.(mod|sum)$/.test(e.name)) continue;
    const mtime = fs.statSync(e.file!).mtimeMs;
    if (!newest || mtime > newest.mtime) newest = { file: e.name, mtime };
  }
  return newest;
}

/** The binary, checked for the target and against the Go sources. */
export function checkedBinary(dir: string, arch: string): string {
  const binary = resolveBinary(dir);
  const nodeArch = nodeArchOf(arch);
  validateBinary(binary, nodeArch, `the target`);
  const newest = newestSource(dir);
  if (newest && newest.mtime > fs.statSync(binary).mtimeMs) {
    throw new NodegoError('NODEGO_E_STALE', `${binary} is older than ${newest.file}`, `run \`nodego build${arch === goArch() ? '' : ` --arch ${arch}`}\` first`, {
      path: binary,
    });
  }
  return binary;
}

/** nodego's own runtime files, with the addon prebuilt for the target. */
function nodegoRuntime(arch: string): Entry[] {
  const nodeArch = nodeArchOf(arch);
  const prebuilt = path.join(packageRoot, 'prebuilds', `linux-${nodeArch}`);
  let addon: Entry[];
  if (fs.existsSync(prebuilt)) {
    addon = walk(prebuilt, `node_modules/nodego/prebuilds/linux-${nodeArch}`);
  } else if (nodeArch === process.arch && fs.existsSync(path.join(packageRoot, 'build', 'Release', 'nodego.node'))) {
    addon = [{ file: path.join(packageRoot, 'build', 'Release', 'nodego.node'), name: 'node_modules/nodego/build/Release/nodego.node', mode: 0o755 }];
  } else {
    throw new NodegoError('NODEGO_E_ADDON', `no nodego addon built for linux-${nodeArch}`, 'use a packed nodego (`npm pack` builds linux-x64 and linux-arm64 addons), or run `npm run prebuilds` in nodego');
  }
  const gypBuild = path.dirname(require.resolve('node-gyp-build/package.json'));
  return [
    { file: path.join(packageRoot, 'package.json'), name: 'node_modules/nodego/package.json', mode: 0o644 },
    // What runs in the action: no CLI, no type declarations, no source maps.
    ...walk(path.join(packageRoot, 'dist'), 'node_modules/nodego/dist', (rel) => !/\.map$|\.d\.m?ts$|\/dist\/cli(\/|$)/.test(rel)),
    ...addon,
    ...walk(gypBuild, 'node_modules/node-gyp-build'),
  ];
}

/**
 * nodego as an npm tarball, for the platform's npm install: with the
 * prebuilt addon for the target, so that install compiles nothing.
 */
function vendoredNodego(arch: string): { name: string; data: Buffer } {
  const nodeArch = nodeArchOf(arch);
  if (!fs.existsSync(path.join(packageRoot, 'prebuilds', `linux-${nodeArch}`))) {
    throw new NodegoError(
      'NODEGO_E_ADDON',
      `this nodego has no prebuilt addon for linux-${nodeArch}, so the platform would have to compile one`,
      'use a packed nodego (`npm pack` builds linux-x64 and linux-arm64 addons), or run `npm run prebuilds` in nodego (for arm64 on x64 it needs g++-aarch64-linux-gnu)',
    );
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-pack-'));
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: packageRoot, encoding: 'utf8' });
  const file = out.trim().split('\n').at(-1)!;
  const data = fs.readFileSync(path.join(work, file));
  fs.rmSync(work, { recursive: true, force: true });
  return { name: `vendor/${file}`, data };
}

function goSources(dir: string): Entry[] {
  return walk(dir, '', (rel) => !/^(node_modules|bin|vendor)(\/|$)/.test(rel)).filter((e) => /\.go$|(^|\/)go\.(mod|sum)$/.test(e.name));
}

export interface Packaged {
  file: string;
  bytes: number;
  /** Every entry, largest first, with its size before compression. */
  entries: Array<{ name: string; bytes: number }>;
}

export function packageFunction(options: PackageOptions): Promise<Packaged> {
  const dir = path.resolve(options.dir);
  const arch = options.arch ?? 'amd64';
  for (const required of ['index.js', 'package.json']) {
    if (!fs.existsSync(path.join(dir, required))) {
      throw new NodegoError('NODEGO_E_OPTIONS', `no ${required} in ${dir}`, `run \`nodego init\` there first`);
    }
  }
  const binary = checkedBinary(dir, arch);
  const binaryEntry: Entry = { file: binary, name: path.relative(dir, binary).split(path.sep).join('/') || DEFAULT_BINARY, mode: 0o755 };
  let entries: Entry[];
  if (options.target === 'openwhisk') {
    entries = [
      { file: path.join(dir, 'index.js'), name: 'index.js', mode: 0o644 },
      { file: path.join(dir, 'package.json'), name: 'package.json', mode: 0o644 },
      binaryEntry,
      ...nodegoRuntime(arch),
    ];
  } else {
    const tarball = vendoredNodego(arch);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    pkg.dependencies = { ...pkg.dependencies, nodego: `file:${tarball.name}` };
    const fastStart = options.fastStart ? fastStartFiles(binaryEntry.name, ownVersion) : [];
    if (options.fastStart) pkg.dependencies[FRAMEWORK] = FAST_START_DEPENDENCY;
    entries = [
      { file: path.join(dir, 'index.js'), name: 'index.js', mode: 0o644 },
      { data: Buffer.from(JSON.stringify(pkg, null, 2) + '\n'), name: 'package.json', mode: 0o644 },
      binaryEntry,
      ...goSources(dir),
      { data: tarball.data, name: tarball.name, mode: 0o644 },
      ...fastStart,
      ...(fs.existsSync(path.join(dir, '.env.yaml')) ? [{ file: path.join(dir, '.env.yaml'), name: '.env.yaml', mode: 0o644 }] : []),
    ];
  }
  const out = path.resolve(dir, options.out ?? (options.target === 'openwhisk' ? 'action.zip' : 'function.zip'));
  // yazl's default deflate (level 6): by measurement the quickest /init on
  // the OpenWhisk Node.js runtime, which unpacks with `unzip` (stored, the
  // larger body costs more than the inflate it saves; levels 1 and 9 are no
  // quicker). See docs/benchmarks.md.
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    if (e.data) zip.addBuffer(e.data, e.name, { mode: 0o100000 | e.mode });
    else zip.addFile(e.file!, e.name, { mode: 0o100000 | e.mode });
  }
  zip.end();
  const sizes = entries
    .map((e) => ({ name: e.name, bytes: e.data ? e.data.length : fs.statSync(e.file!).size }))
    .sort((a, b) => b.bytes - a.bytes);
  return new Promise((resolve, reject) => {
    zip.outputStream
      .pipe(fs.createWriteStream(out))
      .on('close', () => resolve({ file: out, bytes: fs.statSync(out).size, entries: sizes }))
      .on('error', reject);
  });
}
