// ELF reading, on headers made here byte by byte: class, machine, truncation
// and the dynamic loader, as execve would see them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readElf } from '../../dist/elf.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-elf-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Segment {
  type: number;
  offset: number;
  filesz: number;
}

/** A 64-bit little-endian ELF header and program headers, then `tail`. */
function elf64(machine: number, segments: Segment[], tail = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(header);
  header.writeUInt16LE(2, 16); // ET_EXEC
  header.writeUInt16LE(machine, 18);
  header.writeBigUInt64LE(64n, 32); // e_phoff
  header.writeUInt16LE(56, 54); // e_phentsize
  header.writeUInt16LE(segments.length, 56);
  const table = Buffer.alloc(56 * segments.length);
  segments.forEach((s, i) => {
    table.writeUInt32LE(s.type, i * 56);
    table.writeBigUInt64LE(BigInt(s.offset), i * 56 + 8);
    table.writeBigUInt64LE(BigInt(s.filesz), i * 56 + 32);
  });
  return Buffer.concat([header, table, tail]);
}

function read(bytes: Buffer) {
  const file = path.join(dir, `f${Math.random()}`);
  fs.writeFileSync(file, bytes);
  const fd = fs.openSync(file, 'r');
  try {
    return readElf(fd, bytes.length);
  } finally {
    fs.closeSync(fd);
  }
}

describe('readElf', () => {
  it('names the machine as Node does', () => {
    expect(read(elf64(62, []))).toMatchObject({ bits: 64, littleEndian: true, machine: 62, arch: 'x64' });
    expect(read(elf64(183, []))).toMatchObject({ arch: 'arm64' });
    expect(read(elf64(9999, []))).toMatchObject({ arch: 'machine 9999' });
  });

  it('reads the dynamic loader from PT_INTERP, and none from a static binary', () => {
    const loader = Buffer.from('/lib64/ld-linux-x86-64.so.2\0');
    const offset = 64 + 56;
    expect(read(elf64(62, [{ type: 3, offset, filesz: loader.length }], loader))).toMatchObject({
      interpreter: '/lib64/ld-linux-x86-64.so.2',
    });
    expect(read(elf64(62, [{ type: 1, offset: 0, filesz: 64 }]))).not.toHaveProperty('interpreter');
  });

  it('calls truncated a header cut short, program headers past the end, or a segment past the end', () => {
    expect(read(elf64(62, []).subarray(0, 40))).toMatchObject({ problem: 'truncated' });
    expect(read(elf64(62, [{ type: 1, offset: 0, filesz: 64 }]).subarray(0, 80))).toMatchObject({ problem: 'truncated' });
    expect(read(elf64(62, [{ type: 1, offset: 0, filesz: 1 << 20 }]))).toMatchObject({
      problem: 'truncated',
      detail: expect.stringMatching(/a segment ends at byte 1048576/),
    });
  });

  it('tells what is not ELF at all', () => {
    expect(read(Buffer.from('#!/bin/sh\n'))).toEqual({ problem: 'not-elf' });
    expect(read(Buffer.from([0xcf, 0xfa, 0xed, 0xfe]))).toEqual({ problem: 'not-elf' });
  });
});
