import { defineConfig } from 'vitest/config';

// Two layers: unit tests (no processes, no Go builds, seconds) and the
// end-to-end suite (real Node hosts, real Go binaries, real sockets).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**'],
          globalSetup: ['test/setup/build-go.ts'],
          // Real processes and real load on a small machine: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
