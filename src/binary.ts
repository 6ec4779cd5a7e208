// Finds the function's Go binary and checks, before anything is touched, that
// execve will run it on this machine.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodegoError } from './errors.js';
import { addon, type NativeAddon } from './addon.js';
import { cpuByNode } from './arch.js';
import { readElf } from './elf.js';
import { goBuildInfo, NODEGO_MODULE } from './go-buildinfo.js';
import { functionConfig, readPackageJson } from './function-config.js';

export interface BinaryInfo {
  path: string;
  format: 'elf' | 'script';
  /** ELF: process.arch naming. */
  arch?: string;
  /** ELF: its dynamic loader (absent when static); script: its #! program. */
  interpreter?: string;
  /** A Go program: its Go version, from its build information. */
  goVersion?: string;
  /**
   * It is built on nodego's Go runtime, so it adopts connections and answers
   * replays (NODEGO_*); any other program is given the listeners alone.
   */
  speaksNodego: boolean;
}

/** The conventional place: bin/function next to the entry module. */
export const DEFAULT_BINARY = path.join('bin', 'function');

/**
 * Where the binary is: the explicit option, $NODEGO_BINARY, the "nodego"
 * field of dir/package.json ("path" or { "binary": "path" }), or
 * dir/bin/function. Relative paths are relative to dir.
 */
export function resolveBinary(dir: string, explicit?: string): string {
  const chosen = explicit ?? process.env.NODEGO_BINARY ?? fromPackageJson(dir) ?? DEFAULT_BINARY;
  return path.resolve(dir, chosen);
}

function fromPackageJson(dir: string): string | undefined {
  return functionConfig(readPackageJson(dir)).binary;
}

const BUILD_FIX = 'run `nodego build` in the function directory';

/**
 * Checks file as execve on a machine of `arch` (process.arch naming) would;
 * `where` names that machine in messages.
 */
export function validateBinary(file: string, arch: string = process.arch, where = 'this machine'): BinaryInfo {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new NodegoError('NODEGO_E_NO_BINARY', `no Go binary at ${file}`, BUILD_FIX + ', or point the "binary" option there', {
      path: file,
    });
  }
  if (!stat.isFile()) {
    throw new NodegoError('NODEGO_E_NOT_FILE', `${file} is a ${describeKind(stat)}, not a program`, BUILD_FIX, { path: file });
  }
  if (stat.size === 0) {
    throw new NodegoError('NODEGO_E_EMPTY', `${file} is empty (an interrupted build or copy?)`, BUILD_FIX + ' again', {
      path: file,
    });
  }
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw new NodegoError('NODEGO_E_NOT_EXECUTABLE', `${file} is not executable`, `run \`chmod +x ${file}\` (zip tools often drop the bit)`, {
      path: file,
    });
  }
  const fd = fs.openSync(file, 'r');
  try {
    return inspect(fd, file, stat.size, arch, where);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * validateBinary for this machine, as the swap needs it: the addon reads a
 * well-formed binary in one call, where the same reads in JavaScript, cold
 * at the swap, cost about a millisecond and a half of it. Anything the addon
 * does not accept as is (and any machine without the addon) goes to
 * validateBinary, which says what is wrong; test/unit/binary-cases.test.ts
 * holds both to the same verdicts.
 */
export function validateBinaryHere(file: string): BinaryInfo {
  const facts = nativeFacts(file);
  const cpu = cpuByNode(process.arch);
  if (!facts || !cpu || facts.machine !== cpu.elfMachine) return validateBinary(file);
  // A loader that is missing, or any loader under Go (cgo): validateBinary's refusals.
  if (facts.interpreter !== undefined && (facts.goVersion !== undefined || !fs.existsSync(facts.interpreter))) return validateBinary(file);
  return {
    path: file,
    format: 'elf',
    arch: cpu.node,
    ...(facts.interpreter ? { interpreter: facts.interpreter } : {}),
    ...(facts.goVersion !== undefined ? { goVersion: facts.goVersion } : {}),
    speaksNodego: facts.modules?.includes(NODEGO_MODULE) ?? false,
  };
}

type Facts = NonNullable<ReturnType<NonNullable<NativeAddon['executableFacts']>>>;

function nativeFacts(file: string): Facts | undefined {
  try {
    return addon().executableFacts?.(file) ?? undefined;
  } catch {
    return undefined; // no addon here: the JavaScript reader decides
  }
}

function describeKind(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'directory';
  if (stat.isSocket()) return 'socket';
  if (stat.isFIFO()) return 'named pipe';
  return 'device';
}

function inspect(fd: number, file: string, size: number, arch: string, where: string): BinaryInfo {
  const head = Buffer.alloc(4);
  fs.readSync(fd, head, 0, 4, 0);
  if (head[0] === 0x23 && head[1] === 0x21) return checkScript(fd, file);
  const elf = readElf(fd, size);
  if ('problem' in elf) {
    if (elf.problem === 'truncated') {
      throw new NodegoError('NODEGO_E_TRUNCATED', `${file} is a truncated ELF file (${elf.detail})`, BUILD_FIX + ' again and copy it whole', {
        path: file,
      });
    }
    if (elf.problem === 'malformed') {
      throw new NodegoError('NODEGO_E_BAD_FORMAT', `${file} is not a valid ELF program (${elf.detail})`, BUILD_FIX, { path: file });
    }
    const os = foreignOs(head);
    if (os) {
      throw new NodegoError('NODEGO_E_WRONG_OS', `${file} was built for ${os}, ${where} runs Linux`, BUILD_FIX + ' (it sets GOOS=linux)', {
        path: file,
      });
    }
    throw new NodegoError(
      'NODEGO_E_BAD_FORMAT',
      `${file} is neither an ELF program nor a script starting with #!`,
      BUILD_FIX + ' to produce the binary, or add a #! line to a script',
      { path: file },
    );
  }
  const want = cpuByNode(arch)?.elfMachine;
  if (want === undefined || elf.machine !== want) {
    throw new NodegoError('NODEGO_E_WRONG_ARCH', `${file} was built for ${elf.arch}, ${where} is ${arch}`, BUILD_FIX, {
      path: file,
    });
  }
  if (elf.interpreter && !fs.existsSync(elf.interpreter)) {
    throw new NodegoError(
      'NODEGO_E_INTERPRETER',
      `${file} is dynamically linked against ${elf.interpreter}, which ${where} does not have`,
      'build it static with CGO_ENABLED=0 (`nodego build` does)',
      { path: file },
    );
  }
  const go = goBuildInfo(fd, elf);
  if (go && elf.interpreter) {
    throw new NodegoError(
      'NODEGO_E_DYNAMIC',
      `${file} is a Go program linked dynamically (cgo), against ${elf.interpreter}: the libraries it needs may not be those of the platform`,
      'build it static with CGO_ENABLED=0 (`nodego build` does)',
      { path: file },
    );
  }
  return {
    path: file,
    format: 'elf',
    arch: elf.arch,
    ...(elf.interpreter ? { interpreter: elf.interpreter } : {}),
    ...(go ? { goVersion: go.goVersion } : {}),
    speaksNodego: go?.modules.includes(NODEGO_MODULE) ?? false,
  };
}

function foreignOs(head: Buffer): string | undefined {
  const magic = head.readUInt32BE(0);
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic)) return 'macOS';
  if (head[0] === 0x4d && head[1] === 0x5a) return 'Windows';
  return undefined;
}

function checkScript(fd: number, file: string): BinaryInfo {
  const buf = Buffer.alloc(256);
  const n = fs.readSync(fd, buf, 0, buf.length, 0);
  const line = buf.subarray(2, n).toString('utf8').split('\n')[0]!.trim();
  const interpreter = line.split(/\s+/)[0] ?? '';
  let ok = false;
  try {
    ok = interpreter.startsWith('/') && fs.statSync(interpreter).isFile();
    fs.accessSync(interpreter, fs.constants.X_OK);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new NodegoError('NODEGO_E_INTERPRETER', `${file} starts with #!${line}, and ${interpreter || 'that'} is not a program here`, 'fix the #! line to name an absolute path to an installed interpreter', {
      path: file,
    });
  }
  return { path: file, format: 'script', interpreter, speaksNodego: false };
}
