// Loads the native addon: $NODEGO_ADDON_PATH when set (to try a particular
// build), else a prebuilt one from prebuilds/ when it matches this machine,
// else build/Release (node-gyp) or build-cmake/Release (cmake-js).
import * as path from 'node:path';
import { NodegoError } from './errors.js';

export interface FdInfo {
  fd: number;
  kind: 'socket' | 'file' | 'pipe' | 'directory' | 'char' | 'other';
  cloexec: boolean;
  nonblock: boolean;
  listening?: boolean;
  family?: 'inet' | 'inet6' | 'unix' | 'other';
  type?: 'stream' | 'dgram' | 'seqpacket' | 'other';
  local?: string;
  peer?: string;
}

export interface ExecRequest {
  path: string;
  argv: string[];
  env: string[];
  listeners: number[];
  inherit: number[];
}

export interface NativeAddon {
  describeFd(fd: number): FdInfo | null;
  describeFds(): FdInfo[];
  dupAbove(fd: number, minFd: number): number;
  createMemfd(name: string, bytes: Uint8Array, minFd: number): number;
  onMainThread(): boolean;
  execHandoff(request: ExecRequest): never;
}

const packageRoot = path.join(__dirname, '..');
let loaded: NativeAddon | undefined;

export function addon(): NativeAddon {
  if (loaded) return loaded;
  if (process.platform !== 'linux') {
    throw new NodegoError(
      'NODEGO_E_PLATFORM',
      `swapping into Go needs Linux, this is ${process.platform}`,
      'deploy to a Linux runtime, or run the Go function directly with `go run .` for local work',
    );
  }
  const errors: unknown[] = [];
  const explicit = process.env.NODEGO_ADDON_PATH;
  if (explicit) {
    try {
      loaded = require(path.resolve(explicit)) as NativeAddon;
      return loaded;
    } catch (err) {
      errors.push(err);
    }
  }
  try {
    const load = require('node-gyp-build') as (dir: string) => NativeAddon;
    loaded = load(packageRoot);
    return loaded;
  } catch (err) {
    errors.push(err);
  }
  if (!explicit) {
    try {
      loaded = require(path.join(packageRoot, 'build-cmake', 'Release', 'nodego.node')) as NativeAddon;
      return loaded;
    } catch (err) {
      errors.push(err);
    }
  }
  throw new NodegoError(
    'NODEGO_E_ADDON',
    `the native addon did not load (${(errors[0] as Error).message})`,
    'reinstall with a compiler present (`npm rebuild nodego`), or install the published package, which ships a prebuilt linux-x64 addon',
    { cause: errors[0] },
  );
}
