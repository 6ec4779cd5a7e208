// Lines written to files with fs.createWriteStream or fs.appendFile just
// before swap() land in full: the quiet point waits for writes in flight.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { startHost, type HostProcess } from './helpers/host.js';
import { request } from './helpers/http-client.js';

let host: HostProcess | undefined;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-files-'));
afterEach(async () => {
  await host?.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('file writes just before swap()', () => {
  it('land in full: 2000 lines through a WriteStream and 2000 appendFile calls', async () => {
    host = startHost('plain-host.js');
    const listening = await host.waitForEvent('listening');
    const port = (listening.addresses as Array<{ port: number }>)[0]!.port;
    const file = path.join(dir, 'log');
    host.send({ cmd: 'swap', binary: bin('probe'), fileLines: 2000, file });
    await host.waitForLine((l) => l.startsWith('probe: started'));
    expect((await request({ host: '127.0.0.1', port, path: '/' })).body).toMatch(/^go /);
    expect(fs.readFileSync(`${file}.stream`, 'utf8').split('\n').filter(Boolean)).toHaveLength(2000);
    expect(fs.readFileSync(`${file}.append`, 'utf8').split('\n').filter(Boolean)).toHaveLength(2000);
  });
});
