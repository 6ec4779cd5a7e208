// Loads the native addon, trying in order: $NODEGO_ADDON_PATH when set (to
// try a particular build), a prebuilt one from prebuilds/ or build/Release
// (node-gyp-build), then build-cmake/Release (cmake-js). When none loads,
// the error names every place tried and why each failed.
import * as path from 'node:path';
import { NodegoError } from './errors.js';

export interface ExecRequest {
  path: string;
  argv: string[];
  env: string[];
  /** Sockets to place at fds 3, 4, ... */
  listeners: number[];
  /** Fds that keep their number and only lose FD_CLOEXEC. */
  inherit: number[];
  /**
   * Free Node's memory beside the new program rather than inside execve
   * (native/memory_releaser.h); the program must reap NODEGO_RELEASER.
   */
  releaseMemory?: boolean;
}

/** native/addon.cc. Its failures are NodegoErrors (see setErrorClass). */
export interface NativeAddon {
  /** O_NONBLOCK of fd; null when fd is not open. */
  isNonBlocking(fd: number): boolean | null;
  /** Every fd open in this process, ascending. */
  openFds(): number[];
  /** A close-on-exec copy of fd at the lowest free number >= minFd. */
  dupAbove(fd: number, minFd: number): number;
  /** A close-on-exec memfd at the lowest free number >= minFd holding bytes. */
  createMemfd(name: string, bytes: Uint8Array, minFd: number): number;
  onMainThread(): boolean;
  /**
   * Machine, loader and Go build information of a well-formed executable ELF
   * file; null for anything else (src/binary.ts says what). Absent in addons
   * built before it.
   */
  executableFacts?(path: string): { machine: number; interpreter?: string; goVersion?: string; modules?: string[] } | null;
  execHandoff(request: ExecRequest): never;
  /** The class the addon throws: NodegoError(code, problem, fix, extra). */
  setErrorClass(ctor: typeof NodegoError): void;
}

const packageRoot = path.join(__dirname, '..');
let loaded: NativeAddon | undefined;

interface Attempt {
  where: string;
  load: () => NativeAddon;
}

function attempts(): Attempt[] {
  const explicit = process.env.NODEGO_ADDON_PATH;
  if (explicit) {
    const file = path.resolve(explicit);
    return [{ where: `NODEGO_ADDON_PATH (${file})`, load: () => require(file) as NativeAddon }];
  }
  return [
    {
      where: `prebuilds/linux-${process.arch} and build/Release in ${packageRoot} (node-gyp-build)`,
      load: () => (require('node-gyp-build') as (dir: string) => NativeAddon)(packageRoot),
    },
    {
      where: path.join(packageRoot, 'build-cmake', 'Release', 'nodego.node'),
      load: () => require(path.join(packageRoot, 'build-cmake', 'Release', 'nodego.node')) as NativeAddon,
    },
  ];
}

export function addon(): NativeAddon {
  if (loaded) return loaded;
  if (process.platform !== 'linux') {
    throw new NodegoError(
      'NODEGO_E_PLATFORM',
      `swapping into Go needs Linux, this is ${process.platform}`,
      'deploy to a Linux runtime, or run the Go function directly with `go run .` for local work',
    );
  }
  const failures: string[] = [];
  let firstError: unknown;
  for (const attempt of attempts()) {
    try {
      const candidate = attempt.load();
      if (typeof candidate.setErrorClass !== 'function') throw new Error('it is an older build of the addon: rebuild it');
      candidate.setErrorClass(NodegoError);
      loaded = candidate;
      return loaded;
    } catch (err) {
      firstError ??= err;
      failures.push(`\n  - ${attempt.where}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new NodegoError(
    'NODEGO_E_ADDON',
    `the native addon did not load for linux-${process.arch}, Node ${process.versions.node}; tried:${failures.join('')}\n`,
    'reinstall with a compiler present (`npm rebuild nodego`), or install a nodego package that ships a prebuilt addon for this machine',
    { cause: firstError },
  );
}
