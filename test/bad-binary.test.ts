// Every way the Go binary can be wrong ends in a typed, actionable error
// while Node keeps serving on the same listener and connections, with every
// fd and signal disposition exactly as it was. Validation catches most before
// anything is touched; the last two fail inside execve itself, after the
// addon has moved fds and reset signals, and must be undone.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { startHost, type HostEvent, type HostProcess } from './helpers/host.js';
import { request } from './helpers/http-client.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-bad-'));
const file = (name: string, content: string | Buffer, mode = 0o755) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  fs.chmodSync(p, mode);
  return p;
};

let host: HostProcess;
let port: number;
let agent: http.Agent;
let keptPort = 0;

beforeAll(async () => {
  host = startHost('plain-host.js');
  port = ((await host.waitForEvent('listening')).addresses as Array<{ port: number }>)[0]!.port;
  agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  keptPort = (await request({ host: '127.0.0.1', port, agent, path: '/warm' })).localPort;
});

afterAll(async () => {
  agent.destroy();
  await host.kill();
});

async function swapAndExpectError(binary: string, args: string[] = []): Promise<HostEvent> {
  const seen = host.events.length;
  host.send({ cmd: 'swap', binary, args });
  await host.waitForLine(() => host.events.length > seen && host.events.at(-1)!.event === 'swap-error');
  return host.events.at(-1)!;
}

async function expectNodeStillServing() {
  const kept = await request({ host: '127.0.0.1', port, agent, path: '/after' });
  expect(kept.body).toBe(`node ${host.pid} GET /after`);
  expect(kept.localPort).toBe(keptPort); // the same keep-alive connection
  const fresh = await request({ host: '127.0.0.1', port, path: '/fresh' });
  expect(fresh.headers['x-served-by']).toBe('node');
}

const foreignArch = process.arch === 'arm64' ? 'x64' : 'arm64';

describe('a bad binary', () => {
  const cases: Array<[string, () => string, string, RegExp]> = [
    ['missing', () => path.join(dir, 'nothing-here'), 'NODEGO_E_NO_BINARY', /no Go binary at .*nothing-here: run `nodego build`/],
    ['a directory', () => dir, 'NODEGO_E_NOT_FILE', /is a directory, not a program: run `nodego build`/],
    ['without the exec bit', () => file('no-x', fs.readFileSync(bin('probe')), 0o644), 'NODEGO_E_NOT_EXECUTABLE', /is not executable: run `chmod \+x/],
    ['built for another CPU', () => bin('noop-foreign'), 'NODEGO_E_WRONG_ARCH', new RegExp(`was built for ${foreignArch}, this machine is ${process.arch}: run \`nodego build\``)],
    ['a truncated ELF', () => file('truncated', fs.readFileSync(bin('probe')).subarray(0, 200_000)), 'NODEGO_E_TRUNCATED', /is a truncated ELF file/],
    ['empty', () => file('empty', ''), 'NODEGO_E_EMPTY', /is empty/],
    ['text without #!', () => file('text', 'echo hello\n'), 'NODEGO_E_BAD_FORMAT', /neither an ELF program nor a script starting with #!/],
    ['a script whose interpreter is missing', () => file('script', '#!/no/such/shell\necho hi\n'), 'NODEGO_E_INTERPRETER', /#!\/no\/such\/shell/],
    ['built for macOS', () => file('macho', Buffer.concat([Buffer.from([0xcf, 0xfa, 0xed, 0xfe]), Buffer.alloc(4092)])), 'NODEGO_E_WRONG_OS', /built for macOS, this machine runs Linux/],
  ];

  for (const [name, make, code, message] of cases) {
    it(`${name}: ${code}, nothing touched`, async () => {
      const event = await swapAndExpectError(make());
      expect(event.code).toBe(code);
      expect(event.message).toMatch(message);
      expect(event.fdsAfter).toEqual(event.fdsBefore);
      expect(event.signalsAfter).toEqual(event.signalsBefore);
      await expectNodeStillServing();
    });
  }
});

describe('execve itself failing', () => {
  it('E2BIG (an argument over the kernel limit): every fd, flag and signal restored', async () => {
    const event = await swapAndExpectError(bin('probe'), ['x'.repeat(200_000)]);
    expect(event.code).toBe('NODEGO_E_EXEC');
    expect(event.errno).toBe(-7);
    expect(event.syscall).toBe('execve');
    expect(event.message).toMatch(/E2BIG.*Node keeps serving: the arguments and environment are over the kernel limit/);
    expect(event.fdsAfter).toEqual(event.fdsBefore);
    expect(event.signalsAfter).toEqual(event.signalsBefore);
    expect(event.childrenAfter).toEqual(event.childrenBefore); // the memory releaser reaped
    await expectNodeStillServing();
  });

  it('ETXTBSY (the binary is still open for writing): every fd, flag and signal restored', async () => {
    const busy = file('busy', fs.readFileSync(bin('probe')));
    const writer = fs.openSync(busy, 'r+');
    try {
      const event = await swapAndExpectError(busy);
      expect(event.code).toBe('NODEGO_E_EXEC');
      expect(event.errno).toBe(-26);
      expect(event.message).toMatch(/ETXTBSY.*wait for it to finish and retry/);
      expect(event.fdsAfter).toEqual(event.fdsBefore);
      expect(event.signalsAfter).toEqual(event.signalsBefore);
      expect(event.childrenAfter).toEqual(event.childrenBefore);
    } finally {
      fs.closeSync(writer);
    }
    await expectNodeStillServing();
  });
});
