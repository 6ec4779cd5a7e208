// Which host nodego is running in, told from what is in flight when the
// function's module loads: the OpenWhisk Node.js runtime requires it while
// it answers POST /init, the legacy Cloud Functions worker while it answers
// /load; a plain server calls nodego from its own code.
import { executionAsyncResource } from 'node:async_hooks';
import type * as http from 'node:http';
import * as net from 'node:net';
import { httpConnections, listeningServers, responseOf } from './node-internals.js';
import type { PendingRequest } from './session.js';
import type { HostKind } from './swap.js';

/** Requests Node has read and not answered, across every HTTP server. */
export function unansweredRequests(): PendingRequest[] {
  const out: PendingRequest[] = [];
  for (const server of listeningServers()) {
    for (const { socket } of httpConnections(server)) {
      const res = responseOf(socket);
      const req = (res as (http.ServerResponse & { req?: http.IncomingMessage }) | undefined)?.req;
      if (res && req && !res.writableEnded) out.push({ req, res });
    }
  }
  return out;
}

const isOpenWhiskInit = (p: PendingRequest) => p.req.method === 'POST' && p.req.url === '/init';
const isLegacyLoad = (p: PendingRequest) => /^\/load(\/|\?|$)/.test(p.req.url ?? '');

export function detectHost(): HostKind {
  const unanswered = unansweredRequests();
  if (unanswered.some(isOpenWhiskInit)) return 'openwhisk-nodejs';
  if (unanswered.some(isLegacyLoad)) return 'legacy-worker';
  return 'plain';
}

/** The request whose handler is on the stack right now, if unanswered. */
export function runningRequest(): PendingRequest[] {
  const socket = (executionAsyncResource() as { socket?: unknown } | undefined)?.socket;
  if (!(socket instanceof net.Socket)) return [];
  const res = responseOf(socket);
  if (!res || res.writableEnded) return [];
  const req = (res as http.ServerResponse & { req?: http.IncomingMessage }).req;
  return req ? [{ req, res }] : [];
}

/** The requests the Go process owes an answer, for a host. */
export function pendingFor(host: HostKind): PendingRequest[] {
  switch (host) {
    case 'openwhisk-nodejs':
      return unansweredRequests()
        .filter(isOpenWhiskInit)
        .map((p) => ({ ...p, body: withoutCode(p.req) }));
    case 'legacy-worker':
      return unansweredRequests().filter(isLegacyLoad);
    default:
      return runningRequest();
  }
}

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
