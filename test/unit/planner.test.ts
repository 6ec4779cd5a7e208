// The planner is pure: what was observed in, the whole hand-off out.
import { describe, expect, it } from 'vitest';
import { planHandoff, type Observation } from '../../dist/handoff/planner.js';
import { handoffEnv } from '../../dist/handoff/protocol.js';

const binary = { path: '/fn/bin/function', format: 'elf' as const, arch: 'x64', speaksNodego: true };

function observation(over: Partial<Observation> = {}): Observation {
  return {
    pid: 4242,
    host: 'plain',
    binary,
    argv: [binary.path],
    env: { PATH: '/usr/bin', LISTEN_FDS: '9', NODEGO_CONNS: '99@0' },
    listeners: [{ fd: 20, name: 'http', address: '127.0.0.1:8080' }],
    connections: [],
    blockers: [],
    openFds: [0, 1, 2, 3, 4, 5, 20],
    ...over,
  };
}

describe('planHandoff', () => {
  it('puts listeners in slots from 3 and describes them in the variables', () => {
    const plan = planHandoff(observation());
    expect(plan.listeners).toEqual([{ fd: 20, name: 'http', address: '127.0.0.1:8080', slot: 3 }]);
    expect(plan.variables).toEqual({ LISTEN_FDS: '1', LISTEN_FDNAMES: 'http', LISTEN_PID: '4242', NODEGO_HANDOFF: '1', NODEGO_HOST: 'plain' });
    expect(plan.steps).toEqual([]);
  });

  it('drops stale protocol variables from the environment and adds its own, once each', () => {
    const plan = planHandoff(observation());
    expect(plan.env).toContain('PATH=/usr/bin');
    expect(plan.env.filter((kv) => kv.startsWith('LISTEN_FDS='))).toEqual(['LISTEN_FDS=1']);
    expect(plan.env.some((kv) => kv.startsWith('NODEGO_CONNS='))).toBe(false);
  });

  it('keeps a connection above the slots where it is, and moves one below them to the lowest free fd', () => {
    const plan = planHandoff(
      observation({
        listeners: [
          { fd: 20, name: 'http', address: 'a' },
          { fd: 21, name: 'http', address: 'b' },
        ],
        connections: [
          { fd: 30, listener: 0, peer: 'p1', state: 'idle' },
          { fd: 4, listener: 1, peer: 'p2', state: 'idle' },
        ],
        openFds: [0, 1, 2, 3, 4, 5, 6, 20, 21, 30],
      }),
    );
    // The floor is 5 (two slots); 5 and 6 are open, so the moved one goes to 7.
    expect(plan.steps).toEqual([{ kind: 'connection', fd: 7, from: 4 }]);
    expect(plan.connections.map((c) => [c.from, c.fd])).toEqual([
      [30, 30],
      [4, 7],
    ]);
    expect(plan.inherit).toEqual([30, 7]);
    expect(plan.variables.NODEGO_CONNS).toBe('30@0,7@1');
  });

  it('gives an owed request a replay fd after its connection, in the order the steps run', () => {
    const bytes = Buffer.from('POST /init HTTP/1.1\r\nContent-Length: 0\r\n\r\n');
    const plan = planHandoff(
      observation({
        host: 'openwhisk-nodejs',
        connections: [{ fd: 3, listener: 0, peer: 'p', state: 'owed', replay: bytes }],
      }),
    );
    expect(plan.steps).toEqual([
      { kind: 'connection', fd: 6, from: 3 },
      { kind: 'replay', fd: 7, connection: 6, bytes },
    ]);
    expect(plan.inherit).toEqual([6, 7]);
    expect(plan.variables).toMatchObject({ NODEGO_CONNS: '6@0', NODEGO_REPLAY: '6:7', NODEGO_HOST: 'openwhisk-nodejs' });
  });

  it('lists busy connections with why, hands none of them over, and keeps the blockers', () => {
    const plan = planHandoff(
      observation({
        connections: [{ fd: 30, listener: 0, peer: 'p', state: 'busy', why: 'a request is still arriving' }],
        blockers: ['connection from p (fd 30): a request is still arriving'],
      }),
    );
    expect(plan.connections).toEqual([{ handedOver: false, fd: 30, from: 30, listener: 0, peer: 'p', state: 'busy', why: 'a request is still arriving' }]);
    expect(plan.inherit).toEqual([]);
    expect(plan.variables.NODEGO_CONNS).toBeUndefined();
    expect(plan.blockers).toHaveLength(1);
  });

  it('to a program not built on nodego (plain socket activation): listeners only; idle connections close, an owed request blocks', () => {
    const other = { ...binary, speaksNodego: false };
    const idle = planHandoff(observation({ binary: other, connections: [{ fd: 30, listener: 0, peer: 'p', state: 'idle' }] }));
    expect(idle.variables.NODEGO_CONNS).toBeUndefined();
    expect(idle.inherit).toEqual([]);
    expect(idle.connections).toEqual([expect.objectContaining({ fd: 30, state: 'idle', handedOver: false })]);
    expect(idle.blockers).toEqual([]);
    const owed = planHandoff(observation({ binary: other, connections: [{ fd: 30, listener: 0, peer: 'p', state: 'owed', replay: Buffer.from('x') }] }));
    expect(owed.steps).toEqual([]);
    expect(owed.blockers).toEqual([expect.stringMatching(/must be answered, and \/fn\/bin\/function is not built on nodego's runtime/)]);
  });

  it('with no listener (the Functions Framework loads the module before it listens), passes none', () => {
    const plan = planHandoff(observation({ host: 'functions-framework', listeners: [] }));
    expect(plan.variables).toEqual({ LISTEN_FDS: '0', LISTEN_PID: '4242', NODEGO_HANDOFF: '1', NODEGO_HOST: 'functions-framework' });
  });

  it('gives variables that are exactly the encoder\'s for the description it planned', () => {
    const plan = planHandoff(
      observation({
        connections: [
          { fd: 40, listener: 0, peer: 'p', state: 'owed', replay: Buffer.from('x') },
          { fd: 41, listener: 0, peer: 'q', state: 'idle' },
        ],
      }),
    );
    const encoded = handoffEnv({
      pid: 4242,
      host: 'plain',
      listeners: [{ fd: 3, name: 'http' }],
      conns: [{ fd: 40, listener: 0, replay: 6 }, { fd: 41, listener: 0 }],
    });
    expect(Object.entries(plan.variables).map(([k, v]) => `${k}=${v}`).sort()).toEqual(encoded);
  });

  it('sends a memory releaser only to a program built on nodego, and not with NODEGO_MEMORY_RELEASER=off', () => {
    expect(planHandoff(observation()).releaseMemory).toBe(true);
    expect(planHandoff(observation({ env: { NODEGO_MEMORY_RELEASER: 'off' } })).releaseMemory).toBe(false);
    expect(planHandoff(observation({ binary: { ...binary, speaksNodego: false } })).releaseMemory).toBe(false);
  });
});
