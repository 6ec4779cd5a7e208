// Descriptions neither side may encode: the "refused" vectors, which the Go
// side checks with Handoff.Validate.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handoffEnv, type HandoffDescription } from '../../dist/handoff/protocol.js';

const vectors = JSON.parse(fs.readFileSync(path.join('go-template', 'handoff', 'testdata', 'handoff-vectors.json'), 'utf8')) as {
  refused: Array<{ name: string; handoff: HandoffDescription; error: string }>;
};

describe('hand-off vectors: refused', () => {
  it('has cases to check', () => expect(vectors.refused.length).toBeGreaterThanOrEqual(5));
  for (const v of vectors.refused) {
    it(`refuses: ${v.name}`, () => {
      expect(() => handoffEnv(v.handoff)).toThrow(expect.objectContaining({ code: 'NODEGO_E_OPTIONS', message: expect.stringContaining(v.error) }));
    });
  }
});
