// The TypeScript sender and the Go receiver read the same vector file, so the
// two sides of the protocol cannot drift apart.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handoffEnv, HANDOFF_VARIABLES, type HandoffDescription } from '../dist/index.js';
import { repoRoot } from './helpers/host.js';

const vectors = JSON.parse(
  fs.readFileSync(path.join(repoRoot, 'go-template', 'handoff', 'testdata', 'handoff-vectors.json'), 'utf8'),
) as { valid: Array<{ name: string; handoff: HandoffDescription; env: string[] }> };

describe('hand-off vectors', () => {
  it('has cases to check', () => {
    expect(vectors.valid.length).toBeGreaterThanOrEqual(4);
  });
  for (const v of vectors.valid) {
    it(`encodes: ${v.name}`, () => {
      expect(handoffEnv(v.handoff)).toEqual(v.env);
      for (const kv of v.env) expect(HANDOFF_VARIABLES).toContain(kv.split('=')[0]);
    });
  }
  it('refuses a listener out of place or a name with a colon', () => {
    expect(() => handoffEnv({ pid: 1, listeners: [{ fd: 4, name: 'http' }], conns: [] })).toThrow(/must be at fd 3/);
    expect(() => handoffEnv({ pid: 1, listeners: [{ fd: 3, name: 'a:b' }], conns: [] })).toThrow(/contains ':'/);
  });
});
