// The OpenWhisk Node.js runtime (apache/openwhisk-runtime-nodejs): it
// requires the action's module while it answers POST /init, on a server
// already listening on 8080. Go takes the listener and answers that /init.
import type * as http from 'node:http';
import type { PendingRequest } from '../../node/quiet-point.js';
import type { Host } from '../host.js';
import { unansweredRequests } from '../requests.js';

const isInit = (p: PendingRequest) => p.req.method === 'POST' && p.req.url === '/init';

export const openwhiskNodejs: Host = {
  name: 'openwhisk-nodejs',
  detect: () => (unansweredRequests().some(isInit) ? { why: 'a request of that host is in flight' } : undefined),
  owed: () =>
    unansweredRequests()
      .filter(isInit)
      .map((p) => ({ ...p, body: withoutCode(p.req) })),
  emulator: {
    command: 'openwhisk',
    usage: 'openwhisk                    the OpenWhisk Node.js runtime',
    start: async ({ port, packages }) => (await import('./emulator.js')).startOpenWhiskNodeRuntime(port, packages).then((r) => r.server),
  },
};

/**
 * The /init body without its code: the code is the zip Go came in, and up to
 * 48 MB of it need not travel again. main, env and name stay.
 */
function withoutCode(req: http.IncomingMessage): Buffer | undefined {
  const body = (req as http.IncomingMessage & { body?: unknown }).body;
  if (!body || typeof body !== 'object' || Buffer.isBuffer(body)) return undefined;
  const value = (body as { value?: unknown }).value;
  if (!value || typeof value !== 'object') return undefined;
  const { code: _code, ...rest } = value as Record<string, unknown>;
  return Buffer.from(JSON.stringify({ ...body, value: rest }));
}
