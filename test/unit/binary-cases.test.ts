// The binary validation rules, case by case from the table the Go side
// (go-template/handoff/validate_test.go) checks too: both refuse the same
// files with the same codes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuByNode } from '../../dist/arch.js';
import { validateBinary, validateBinaryHere } from '../../dist/binary.js';

interface Case {
  name: string;
  make?: 'missing' | 'directory';
  text?: string;
  hex?: string;
  elf?: { machine: 'this' | 'foreign'; interp?: string; loadPastEnd?: boolean; phentsize?: number; cut?: number };
  mode?: number;
  code: string;
}

const { cases } = JSON.parse(fs.readFileSync(path.join('go-template', 'handoff', 'testdata', 'binary-cases.json'), 'utf8')) as { cases: Case[] };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-binary-cases-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The case's ELF, exactly as the Go test builds it. */
function elfBytes(e: NonNullable<Case['elf']>): Buffer {
  const own = cpuByNode(process.arch)!.elfMachine;
  const machine = e.machine === 'this' ? own : own === 183 ? 62 : 183;
  const segments: Array<[type: number, offset: number, size: number]> = [[1, 0, e.loadPastEnd ? 1 << 20 : 64]];
  let tail = Buffer.alloc(0);
  if (e.interp) {
    tail = Buffer.from(`${e.interp}\0`);
    segments.push([3, 64 + 56 * 2, tail.length]);
  }
  const out = Buffer.alloc(64 + 56 * segments.length);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(out);
  out.writeUInt16LE(2, 16);
  out.writeUInt16LE(machine, 18);
  out.writeBigUInt64LE(64n, 32);
  out.writeUInt16LE(e.phentsize ?? 56, 54);
  out.writeUInt16LE(segments.length, 56);
  segments.forEach(([type, offset, size], i) => {
    out.writeUInt32LE(type, 64 + 56 * i);
    out.writeBigUInt64LE(BigInt(offset), 64 + 56 * i + 8);
    out.writeBigUInt64LE(BigInt(size), 64 + 56 * i + 32);
  });
  const whole = Buffer.concat([out, tail]);
  return e.cut ? whole.subarray(0, e.cut) : whole;
}

function make(c: Case, file: string): void {
  if (c.make === 'missing') return;
  if (c.make === 'directory') fs.mkdirSync(file);
  else if (c.text !== undefined) fs.writeFileSync(file, c.text);
  else if (c.hex !== undefined) fs.writeFileSync(file, Buffer.from(c.hex, 'hex'));
  else if (c.elf) fs.writeFileSync(file, elfBytes(c.elf));
  fs.chmodSync(file, c.mode ?? 0o755);
}

/** The verdict: 'ok' with what was read, or the refusal's code and message. */
function verdict(check: (file: string) => unknown, file: string): { code: string; info?: unknown; message?: string } {
  try {
    return { code: 'ok', info: check(file) };
  } catch (err) {
    return { code: (err as { code?: string }).code ?? `untyped: ${(err as Error).message}`, message: (err as Error).message };
  }
}

describe('binary validation: the shared cases', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(10));
  cases.forEach((c, i) => {
    it(`${c.name}: ${c.code}, from the JavaScript reader and from the swap's (the addon's)`, () => {
      const file = path.join(dir, `case-${i}`);
      make(c, file);
      const js = verdict(validateBinary, file);
      expect(js.code).toBe(c.code);
      expect(verdict(validateBinaryHere, file)).toEqual(js);
    });
  });
});
