// The Go tests (runtime library, examples) run as part of `npm test`.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/host.js';

function goTest(dir: string, env: Record<string, string> = {}) {
  const result = spawnSync('go', ['test', '-count=1', './...'], { cwd: path.join(repoRoot, dir), encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('go test', () => {
  // The templates are modules of their own, as they become in a user's directory.
  for (const template of ['http', 'cloudevent', 'event', 'openwhisk']) {
    it(`passes in go-template/templates/${template}/`, () => {
      const { status, output } = goTest(`go-template/templates/${template}`, { GOWORK: 'off' });
      expect(status, output).toBe(0);
    });
  }
  for (const dir of ['go-template', 'examples']) {
    it(`passes in ${dir}/`, () => {
      const { status, output } = goTest(dir);
      expect(output).not.toMatch(/^FAIL/m);
      expect(status, output).toBe(0);
    });
  }
});
