// require('nodego') and import('nodego') give the same API, as a user's
// CommonJS or ESM module sees it (checked in a real Node process).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hostNode, repoRoot } from './helpers/host.js';

const NAMES = ['swap', 'plan', 'start', 'NodegoError', 'validateBinary', 'resolveBinary', 'handoffEnv'];

describe('entry points', () => {
  it('CommonJS and ESM export the same functions', () => {
    const script = `
      import { createRequire } from 'node:module';
      import * as esm from 'nodego';
      const cjs = createRequire(process.cwd() + '/x.js')('nodego');
      const names = ${JSON.stringify(NAMES)};
      console.log(JSON.stringify(names.map((n) => [n, typeof cjs[n], esm[n] === cjs[n]]).concat([['default', typeof esm.default, esm.default === cjs]])));
    `;
    const out = JSON.parse(execFileSync(hostNode, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' }));
    expect(out).toEqual([...NAMES.map((n) => [n, 'function', true]), ['default', 'object', true]]);
  });
});
