// The Go runtime builds everywhere it is developed: on macOS and Windows the
// hand-off is a stub that reports none, and the function serves on $PORT.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/host.js';

describe('go-template cross builds', () => {
  for (const goos of ['darwin', 'windows']) {
    it(`go vet ./... passes for GOOS=${goos}`, () => {
      const result = spawnSync('go', ['vet', './...'], {
        cwd: path.join(repoRoot, 'go-template'),
        encoding: 'utf8',
        env: { ...process.env, GOOS: goos, GOARCH: 'amd64', CGO_ENABLED: '0' },
      });
      expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    });
  }
});
