// Just enough of ELF to refuse a binary execve would refuse, or that would
// crash on start, before any fd is touched: class, byte order, machine, that
// no segment runs past the end of the file, and the dynamic loader it names.
import * as fs from 'node:fs';
import { cpuByElf } from './arch.js';

export interface ElfInfo {
  bits: 32 | 64;
  /** Where its sections are, to find one by name (sectionNamed). */
  sections: { offset: number; entrySize: number; count: number; namesIndex: number };
  littleEndian: boolean;
  machine: number;
  /** Node's name for the machine (process.arch), or `machine 1234`. */
  arch: string;
  /** PT_INTERP: the dynamic loader, absent for a static binary. */
  interpreter?: string;
}

export type ElfProblem = { problem: 'truncated'; detail: string } | { problem: 'not-elf' } | { problem: 'malformed'; detail: string };

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const PT_LOAD = 1;
const PT_INTERP = 3;


function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = fs.readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n);
}

export function readElf(fd: number, size: number): ElfInfo | ElfProblem {
  const ident = readAt(fd, 0, 64);
  if (ident.length < 4 || !ident.subarray(0, 4).equals(ELF_MAGIC)) return { problem: 'not-elf' };
  const bits = ident[4] === 2 ? 64 : ident[4] === 1 ? 32 : 0;
  const littleEndian = ident[5] === 1;
  const headerSize = bits === 64 ? 64 : 52;
  if (bits === 0 || ident.length < headerSize) {
    return { problem: 'truncated', detail: `the ELF header needs ${headerSize} bytes, the file has ${size}` };
  }
  const u16 = (b: Buffer, o: number) => (littleEndian ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number) => (littleEndian ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const word = (b: Buffer, o: number) =>
    bits === 64 ? Number(littleEndian ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(b, o);
  const machine = u16(ident, 18);
  const phoff = word(ident, bits === 64 ? 32 : 28);
  const shoff = word(ident, bits === 64 ? 40 : 32);
  const phentsize = u16(ident, bits === 64 ? 54 : 42);
  const phnum = u16(ident, bits === 64 ? 56 : 44);
  const shentsize = u16(ident, bits === 64 ? 58 : 46);
  const shnum = u16(ident, bits === 64 ? 60 : 48);
  const shstrndx = u16(ident, bits === 64 ? 62 : 50);
  const info: ElfInfo = {
    bits,
    littleEndian,
    machine,
    arch: cpuByElf(machine)?.node ?? `machine ${machine}`,
    sections: { offset: shoff, entrySize: shentsize, count: shnum, namesIndex: shstrndx },
  };

  const entry = bits === 64 ? 56 : 32;
  if (phnum > 0 && phentsize < entry) {
    return { problem: 'malformed', detail: `its program headers are ${phentsize} bytes, ELF${bits} needs ${entry}` };
  }
  const phEnd = phoff + phnum * phentsize;
  if (phEnd > size) return { problem: 'truncated', detail: `its program headers end at byte ${phEnd}, the file has ${size}` };
  if (shnum > 0 && shoff + shnum * shentsize > size) {
    return { problem: 'truncated', detail: `its section headers end at byte ${shoff + shnum * shentsize}, the file has ${size}` };
  }
  const table = readAt(fd, phoff, phnum * phentsize);
  for (let i = 0; i < phnum; i++) {
    const p = i * phentsize;
    const type = u32(table, p);
    const offset = word(table, bits === 64 ? p + 8 : p + 4);
    const filesz = word(table, bits === 64 ? p + 32 : p + 16);
    if ((type === PT_LOAD || type === PT_INTERP) && offset + filesz > size) {
      return { problem: 'truncated', detail: `a segment ends at byte ${offset + filesz}, the file has ${size}` };
    }
    if (type === PT_INTERP) {
      info.interpreter = readAt(fd, offset, filesz).toString('latin1').replace(/\0.*$/s, '');
    }
  }
  return info;
}

/** The bytes of the section called name, if the file has one (and section headers). */
export function sectionNamed(fd: number, elf: ElfInfo, name: string): Buffer | undefined {
  const { offset, entrySize, count, namesIndex } = elf.sections;
  const minimum = elf.bits === 64 ? 64 : 40;
  if (count === 0 || namesIndex >= count || entrySize < minimum) return undefined;
  const table = readAt(fd, offset, count * entrySize);
  if (table.length < count * entrySize) return undefined;
  const le = elf.littleEndian;
  const u32 = (o: number) => (le ? table.readUInt32LE(o) : table.readUInt32BE(o));
  const word = (o: number) => (elf.bits === 64 ? Number(le ? table.readBigUInt64LE(o) : table.readBigUInt64BE(o)) : u32(o));
  const extent = (i: number) => {
    const p = i * entrySize;
    return elf.bits === 64 ? { nameAt: u32(p), offset: word(p + 24), size: word(p + 32) } : { nameAt: u32(p), offset: word(p + 16), size: word(p + 20) };
  };
  const names = extent(namesIndex);
  const strings = readAt(fd, names.offset, Math.min(names.size, 1 << 20));
  const wanted = Buffer.from(`${name}\0`, 'latin1');
  for (let i = 0; i < count; i++) {
    const section = extent(i);
    if (strings.subarray(section.nameAt, section.nameAt + wanted.length).equals(wanted)) {
      return readAt(fd, section.offset, Math.min(section.size, 1 << 20));
    }
  }
  return undefined;
}
