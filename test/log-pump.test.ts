// LOG_EXECUTION_ID=true: the Go runtime labels what a function prints. The
// pump between the function and stdout never stops and never makes a
// request wait for a newline.
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { startFramework, type Framework } from './helpers/functions-framework.js';
import { repoRoot } from './helpers/host.js';
import { eventually, request } from './helpers/http-client.js';

const fffuncs = path.join(repoRoot, 'test', 'fixtures', 'go', 'fffuncs');
const goEnv = { FFFUNCS_BINARY: bin('fffuncs') };

let f: Framework | undefined;
afterEach(async () => {
  await f?.stop();
  f = undefined;
});

describe('the execution-id log pump', () => {
  it('passes a 2 MiB line in pieces and goes on answering', async () => {
    f = await startFramework(fffuncs, ['--target', 'loud'], { ...goEnv, LOG_EXECUTION_ID: 'true' });
    for (let i = 0; i < 5; i++) {
      const reply = await request({ host: '127.0.0.1', port: f.port, path: `/?size=${2 * 1024 * 1024}`, headers: { 'Function-Execution-Id': `big-${i}` } });
      expect(reply.body).toBe('loud done');
    }
    const small = await request({ host: '127.0.0.1', port: f.port, path: '/?size=10', headers: { 'Function-Execution-Id': 'small' } });
    expect(small.body).toBe('loud done');
    const pieces = await eventually(
      async () => f!.stdout.split('\n').filter((l) => l.includes('"big-0"')),
      (l) => l.length >= 8,
    );
    const total = pieces.map((l) => (JSON.parse(l) as { message: string }).message.length).reduce((a, b) => a + b, 0);
    expect(total).toBe(2 * 1024 * 1024);
    await eventually(async () => f!.stdout.includes('"execution_id":"small"'), Boolean);
  });

  it('answers a request that printed without a newline, and labels that text', async () => {
    f = await startFramework(fffuncs, ['--target', 'loud'], { ...goEnv, LOG_EXECUTION_ID: 'true' });
    const reply = await request({ host: '127.0.0.1', port: f.port, path: '/?partial=1', headers: { 'Function-Execution-Id': 'part-1' } });
    expect(reply.body).toBe('loud done');
    const line = await eventually(async () => f!.stdout.split('\n').find((l) => l.includes('part-1')), Boolean);
    expect(JSON.parse(line!)).toMatchObject({ message: 'printed without a newline', 'logging.googleapis.com/labels': { execution_id: 'part-1' } });
    expect((await request({ host: '127.0.0.1', port: f.port, path: '/?size=3' })).body).toBe('loud done');
  });
});
