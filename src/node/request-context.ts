// Every request Node's HTTP servers start, followed from the moment the
// parser has its head (the http.server.request.start channel) to the end of
// its response:
// - which request a piece of code runs for, however it got there: in the
//   handler, after an await, in setImmediate or a timer (AsyncLocalStorage),
//   or in the request's and response's own events ('data', 'end', ...);
// - the body bytes exactly as the parser delivered them, whatever a body
//   parser later puts in req.body, so that a request handed over is replayed
//   byte for byte;
// - the unanswered requests of each connection, in order (pipelining).
import { AsyncLocalStorage } from 'node:async_hooks';
import * as dc from 'node:diagnostics_channel';
import type * as http from 'node:http';
import type * as net from 'node:net';

/** Bodies are kept up to this size (OpenWhisk's request limit); over it, replays fall back to what the host kept. */
export const MAX_CAPTURED_BODY = 48 * 1024 * 1024;

export interface TrackedRequest {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  socket: net.Socket;
  /** The body as it came off the wire (de-chunked), while it fits. */
  body: Buffer[];
  bodyBytes: number;
  /** The body was over MAX_CAPTURED_BODY: not all of it is in `body`. */
  overflow: boolean;
}

const context = new AsyncLocalStorage<TrackedRequest>();
const kTracked = Symbol('nodego.trackedRequest');
const bySocket = new WeakMap<net.Socket, TrackedRequest[]>();
let subscribed = false;

/** Starts following requests; once per process, cheap, safe to call again. */
export function followRequests(): void {
  if (subscribed) return;
  subscribed = true;
  dc.subscribe('http.server.request.start', (message) => {
    const { request, response, socket } = message as { request: http.IncomingMessage; response: http.ServerResponse; socket: net.Socket };
    start(request, response, socket);
  });
}

function start(req: http.IncomingMessage, res: http.ServerResponse, socket: net.Socket): void {
  const t: TrackedRequest = { req, res, socket, body: [], bodyBytes: 0, overflow: false };
  (req as unknown as Record<symbol, TrackedRequest>)[kTracked] = t;
  // The parser hands every body chunk to push(): keep a copy, in order.
  const push = req.push;
  req.push = function (chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk !== null && chunk !== undefined && !t.overflow) {
      const bytes = Buffer.isBuffer(chunk) ? Buffer.from(chunk) : Buffer.from(String(chunk), encoding);
      if (t.bodyBytes + bytes.length > MAX_CAPTURED_BODY) {
        t.overflow = true;
        t.body = [];
      } else {
        t.body.push(bytes);
        t.bodyBytes += bytes.length;
      }
    }
    return push.call(this, chunk, encoding);
  };
  // Listeners of the request's and the response's events run in its context
  // (EventEmitter runs them in the emitter's, which is the socket's).
  for (const emitter of [req, res] as Array<{ emit: (...args: unknown[]) => boolean }>) {
    const emit = emitter.emit;
    emitter.emit = function (...args: unknown[]): boolean {
      return context.run(t, () => emit.apply(this, args));
    };
  }
  let list = bySocket.get(socket);
  if (!list) bySocket.set(socket, (list = []));
  list.push(t);
  const done = () => {
    const l = bySocket.get(socket);
    const i = l?.indexOf(t) ?? -1;
    if (i >= 0) l!.splice(i, 1);
    t.body = [];
  };
  res.once('finish', done);
  res.once('close', done);
  // The handler, and everything it schedules, runs in the request's context.
  context.enterWith(t);
}

/** The request the running code works for, if it is still unanswered. */
export function currentRequest(): TrackedRequest | undefined {
  const t = context.getStore();
  return t && !t.res.writableEnded ? t : undefined;
}

/** What was followed of req, if it was. */
export function trackedOf(req: http.IncomingMessage): TrackedRequest | undefined {
  return (req as unknown as Record<symbol, TrackedRequest | undefined>)[kTracked];
}

/** The requests of a connection whose responses have not finished, in order. */
export function unansweredOn(socket: net.Socket): TrackedRequest[] {
  return [...(bySocket.get(socket) ?? [])];
}

/** The captured body, when the whole of it was captured and has arrived. */
export function capturedBody(t: TrackedRequest): Buffer | undefined {
  return !t.overflow && t.req.complete ? Buffer.concat(t.body) : undefined;
}
