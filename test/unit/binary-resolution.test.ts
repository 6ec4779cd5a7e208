// Where the Go binary is: the option, then $NODEGO_BINARY, then the "nodego"
// field of package.json (either schema), then bin/function.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { resolveBinary } from '../../dist/binary.js';
import { functionConfig } from '../../dist/function-config.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-resolve-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.NODEGO_BINARY;
  fs.rmSync(path.join(dir, 'package.json'), { force: true });
});
const writePackage = (pkg: unknown) => fs.writeFileSync(path.join(dir, 'package.json'), typeof pkg === 'string' ? pkg : JSON.stringify(pkg));

describe('resolveBinary', () => {
  it('defaults to bin/function in the directory', () => {
    expect(resolveBinary(dir)).toBe(path.join(dir, 'bin', 'function'));
  });

  it('takes the "nodego" field as a path or as { binary }', () => {
    writePackage({ nodego: 'out/fn' });
    expect(resolveBinary(dir)).toBe(path.join(dir, 'out', 'fn'));
    writePackage({ nodego: { binary: 'other/fn', target: 'x' } });
    expect(resolveBinary(dir)).toBe(path.join(dir, 'other', 'fn'));
  });

  it('puts $NODEGO_BINARY over package.json, and the option over both', () => {
    writePackage({ nodego: 'out/fn' });
    process.env.NODEGO_BINARY = 'env/fn';
    expect(resolveBinary(dir)).toBe(path.join(dir, 'env', 'fn'));
    expect(resolveBinary(dir, '/abs/fn')).toBe('/abs/fn');
  });

  it('refuses a package.json that is not JSON, naming the file', () => {
    writePackage('{ nodego: ');
    expect(() => resolveBinary(dir)).toThrow(/package\.json is not valid JSON: fix its syntax/);
  });
});

describe('functionConfig', () => {
  it('reads one schema: a string is the binary; an object gives binary, target, signatureType; wrong types are ignored', () => {
    expect(functionConfig({ nodego: 'bin/x' })).toEqual({ binary: 'bin/x' });
    expect(functionConfig({ nodego: { target: 't', signatureType: 'event', binary: 7 } })).toEqual({ target: 't', signatureType: 'event' });
    expect(functionConfig({})).toEqual({});
    expect(functionConfig(undefined)).toEqual({});
  });
});
