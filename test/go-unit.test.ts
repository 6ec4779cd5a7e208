// The Go tests (runtime library, examples) run as part of `npm test`.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/host.js';

function goTest(dir: string) {
  const result = spawnSync('go', ['test', '-count=1', './...'], { cwd: path.join(repoRoot, dir), encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('go test', () => {
  for (const dir of ['go-template', 'examples']) {
    it(`passes in ${dir}/`, () => {
      const { status, output } = goTest(dir);
      expect(output).not.toMatch(/^FAIL/m);
      expect(status, output).toBe(0);
    });
  }
});
