// OpenWhisk's canonical runtime tests (BasicActionRunnerTests.scala), ported:
// each runs against both ways of running a Go action, on a fresh container
// that behaves as on a platform (__OW_API_HOST set).
import { afterEach, describe, expect, it } from 'vitest';
import { WAYS, type ActionContainer } from './helpers/openwhisk.js';

const PLATFORM = { __OW_API_HOST: 'xyz' };

describe.each(WAYS)('OpenWhisk contract: $name', (way) => {
  let c: ActionContainer | undefined;
  afterEach(async () => {
    await c?.stop();
    c = undefined;
  });
  const start = async () => (c = await way.start(PLATFORM));

  it('handles initialization with no code', async () => {
    await start();
    const init = await c!.post('/init', { value: { main: '', code: '' } });
    expect(init.status).not.toBe(200);
  });

  it('handles initialization with no content', async () => {
    await start();
    const init = await c!.post('/init', {});
    expect(init.status).toBe(403);
    expect(init.json).toEqual({ error: 'Missing main/no code to execute.' });
  });

  it('reports an error for a function not returning a dictionary', async () => {
    await start();
    expect((await c!.post('/init', way.initPayload('notdict'))).status).toBe(200);
    const run = await c!.post('/run', { value: {} });
    expect(run.status).toBe(502);
    expect(run.json).toEqual({ error: 'The action did not return a dictionary or array.' });
    await c!.settle(1);
    expect(c!.sentinels()).toEqual([1, 1]);
  });

  it('fails to initialize a second time', async () => {
    await start();
    expect((await c!.post('/init', way.initPayload('echo'))).status).toBe(200);
    const again = await c!.post('/init', way.initPayload('echo'));
    expect(again.status).toBe(403);
    expect(again.json).toEqual({ error: 'Cannot initialize the action more than once.' });
    await new Promise((r) => setTimeout(r, 100));
    expect(c!.stdout + c!.stderr).toContain('Cannot initialize the action more than once.');
    expect(c!.sentinels()).toEqual([0, 0]);
  });

  it('invokes a non-standard entry point', async () => {
    await start();
    expect((await c!.post('/init', way.initPayload('niam'))).status).toBe(200);
    const run = await c!.post('/run', { value: { string: 'hello' } });
    expect(run.status).toBe(200);
    expect(run.json).toEqual({ string: 'hello' });
  });

  it('echoes arguments and prints to stdout and stderr, each activation closed by the sentinels', async () => {
    await start();
    expect((await c!.post('/init', way.initPayload('echo'))).status).toBe(200);
    const argss = [{ string: 'hello' }, { string: '❄ ☃ ❄' }, { numbers: [42, 1] }, { object: { a: 'A' } }];
    for (const args of argss) {
      const run = await c!.post('/run', { value: args });
      expect(run.status).toBe(200);
      expect(run.json).toEqual(args);
      expect(run.headers['content-length']).toBe(String(Buffer.byteLength(run.body)));
    }
    await c!.settle(argss.length);
    expect(c!.stdout).toContain('hello stdout');
    expect(c!.stderr).toContain('hello stderr');
    expect(c!.sentinels()).toEqual([argss.length, argss.length]);
    // The sentinel is the last line of each stream.
    expect(c!.stdout.trimEnd().split('\n').at(-1)).toBe('XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX');
    expect(c!.stderr.trimEnd().split('\n').at(-1)).toBe('XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX');
  });

  it('handles unicode in input, logs and result', async () => {
    await start();
    expect((await c!.post('/init', way.initPayload('unicode'))).status).toBe(200);
    const run = await c!.post('/run', { value: { delimiter: '❄' } });
    expect(run.json).toEqual({ winter: '❄ ☃ ❄' });
    await c!.settle(1);
    expect(c!.stdout).toContain('❄ ☃ ❄');
  });

  it('exports /init env before the function runs', async () => {
    await start();
    const env = { ARRAY: ['a', 'b'], OBJECT: { a: 'A' }, STRING: 'xyz', NUMBER: 3, BOOL: true, NULL: null };
    expect((await c!.post('/init', way.initPayload('partition', env))).status).toBe(200);
    const run = await c!.post('/run', { value: {} });
    expect(run.status).toBe(200);
    const fields = run.json as Record<string, string>;
    expect(JSON.parse(fields.ARRAY!)).toEqual(['a', 'b']);
    expect(JSON.parse(fields.OBJECT!)).toEqual({ a: 'A' });
    expect(fields).toMatchObject({ STRING: 'xyz', NUMBER: '3', BOOL: 'true', NULL: '' });
  });

  it('sets the __OW_ activation context', async () => {
    await start();
    expect((await c!.post('/init', way.initPayload('context'))).status).toBe(200);
    const context = {
      api_key: 'abc',
      namespace: 'zzz',
      action_name: 'xxx',
      action_version: '0.0.1',
      activation_id: 'iii',
      transaction_id: 'ttt',
      deadline: '123',
    };
    const run = await c!.post('/run', { value: {}, ...context });
    expect(run.status).toBe(200);
    expect(run.json).toEqual({ api_host: 'xyz', ...context });
  });

  it('echoes a 1 MiB input', async () => {
    await start();
    expect((await c!.post('/init', way.initPayload('raw'))).status).toBe(200);
    const arg = { arg: 'a'.repeat(1048561) };
    const run = await c!.post('/run', { value: arg });
    expect(run.status).toBe(200);
    expect(run.json).toEqual(arg);
  });
});
