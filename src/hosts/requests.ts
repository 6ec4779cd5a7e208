// The requests a host may owe Go: those Node has read and not answered,
// across every HTTP server, and the one whose handler is running now.
import { executionAsyncResource } from 'node:async_hooks';
import type * as http from 'node:http';
import * as net from 'node:net';
import { httpConnections, listeningServers, responseOf } from '../node/internals.js';
import type { PendingRequest } from '../node/quiet-point.js';
import { currentRequest } from '../node/request-context.js';

type ResponseWithRequest = http.ServerResponse & { req?: http.IncomingMessage };

/** Requests Node has read and not answered, across every HTTP server. */
export function unansweredRequests(): PendingRequest[] {
  const out: PendingRequest[] = [];
  for (const server of listeningServers()) {
    for (const { socket } of httpConnections(server)) {
      const res = responseOf(socket) as ResponseWithRequest | undefined;
      if (res?.req && !res.writableEnded) out.push({ req: res.req, res });
    }
  }
  return out;
}

/**
 * The request the running code works for, if unanswered: followed from its
 * start (in its handler, after an await, in its events), or, for a request
 * that began before nodego was loaded, the one whose handler is on the stack.
 */
export function runningRequest(): PendingRequest[] {
  const followed = currentRequest();
  if (followed) return [{ req: followed.req, res: followed.res }];
  const socket = (executionAsyncResource() as { socket?: unknown } | undefined)?.socket;
  if (!(socket instanceof net.Socket)) return [];
  const res = responseOf(socket) as ResponseWithRequest | undefined;
  if (!res || res.writableEnded || !res.req) return [];
  return [{ req: res.req, res }];
}
