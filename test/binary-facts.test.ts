// The swap reads its binary through the addon (one call, no cold
// JavaScript); anything else reads it in JavaScript. On real Go programs,
// whole and cut short, both must say the same.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addon } from '../dist/addon.js';
import { validateBinary, validateBinaryHere } from '../dist/binary.js';
import { bin } from './helpers/binaries.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-facts-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function verdict(check: (file: string) => unknown, file: string): unknown {
  try {
    return check(file);
  } catch (err) {
    return { code: (err as { code?: string }).code, message: (err as Error).message };
  }
}

describe('the addon reads a binary as the JavaScript reader does', () => {
  const programs = ['probe', 'probe-cgo', 'systemd-target', 'owaction', 'noop-foreign', 'fffuncs'];
  for (const name of programs) {
    it(`${name}: the same verdict`, () => {
      expect(verdict(validateBinaryHere, bin(name))).toEqual(verdict(validateBinary, bin(name)));
    });
  }

  it('the addon itself reads the Go build information (nodego module, Go version) and no loader', () => {
    const facts = addon().executableFacts!(bin('probe'))!;
    expect(facts.goVersion).toMatch(/^go1\./);
    expect(facts.modules).toContain('github.com/nodego/nodego');
    expect(facts.interpreter).toBeUndefined();
    expect(addon().executableFacts!(bin('probe-cgo'))!.interpreter).toMatch(/ld-linux/);
    expect(addon().executableFacts!(bin('systemd-target'))!.modules).not.toContain('github.com/nodego/nodego');
  });

  it('a Go program cut at every part (headers, segments, sections, build information): the same verdict', () => {
    const whole = fs.readFileSync(bin('probe'));
    const cuts = [10, 63, 64, 200, 4096, whole.length >> 2, whole.length >> 1, whole.length - 4096, whole.length - 200, whole.length - 1];
    for (const cut of cuts) {
      const file = path.join(dir, `probe-${cut}`);
      fs.writeFileSync(file, whole.subarray(0, cut), { mode: 0o755 });
      expect([cut, verdict(validateBinaryHere, file)]).toEqual([cut, verdict(validateBinary, file)]);
    }
  });

  it('bytes changed in its section table and build information: the same verdict', () => {
    const whole = fs.readFileSync(bin('probe'));
    const shoff = Number(whole.readBigUInt64LE(40));
    const buildinfo = whole.indexOf(Buffer.from('\xff Go buildinf:', 'latin1'));
    const edits: Array<[string, (b: Buffer) => void]> = [
      ['section names index past the table', (b) => b.writeUInt16LE(0xffff, 62)],
      ['section table past the end', (b) => b.writeBigUInt64LE(BigInt(whole.length), 40)],
      ['a section offset past the end', (b) => b.writeBigUInt64LE(BigInt(whole.length * 2), shoff + 64 * 3 + 24)],
      ['build information flags of Go before 1.18', (b) => (b[buildinfo + 15] = 0)],
      ['a version length past the section', (b) => (b[buildinfo + 32] = 0x7f)],
      ['a build information length past the section', (b) => b.fill(0xff, buildinfo + 33 + b[buildinfo + 32]!, buildinfo + 37 + b[buildinfo + 32]!)],
    ];
    for (const [name, edit] of edits) {
      const bytes = Buffer.from(whole);
      edit(bytes);
      const file = path.join(dir, name.replace(/\W+/g, '-'));
      fs.writeFileSync(file, bytes, { mode: 0o755 });
      expect([name, verdict(validateBinaryHere, file)]).toEqual([name, verdict(validateBinary, file)]);
    }
  });
});
