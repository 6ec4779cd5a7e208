// The few Node internals nodego reads, in one place so a Node upgrade has one
// file to check: the active handles (servers and sockets), each handle's fd,
// an HTTP server's connection list (which parsers are mid-request), a
// socket's read state and its in-progress response, the file system
// requests in flight. Covered on Node 20, 22
// and 24 by `npm run test:matrix`.
import type * as http from 'node:http';
import * as net from 'node:net';

interface StreamHandle {
  fd?: number;
  reading?: boolean;
  readStart?: () => number;
  readStop?: () => number;
  writeQueueSize?: number;
}

interface InternalSocket extends net.Socket {
  _handle?: StreamHandle | null;
  _httpMessage?: http.ServerResponse | null;
  _paused?: boolean;
  server?: net.Server;
  parser?: unknown;
}

interface ConnectionsList {
  all(): Array<{ socket?: net.Socket }>;
  active(): Array<{ socket?: net.Socket }>;
}

export function fdOf(handleOwner: net.Socket | net.Server): number {
  const handle = (handleOwner as unknown as { _handle?: StreamHandle | null })._handle;
  return typeof handle?.fd === 'number' ? handle.fd : -1;
}

/** Every listening net.Server (http, https, plain TCP) this process holds. */
export function listeningServers(): net.Server[] {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  return handles.filter((h): h is net.Server => h instanceof net.Server && h.listening && fdOf(h) >= 0);
}

function connectionsList(server: net.Server): ConnectionsList | undefined {
  const key = Object.getOwnPropertySymbols(server).find((s) => s.description === 'http.server.connections');
  const list = key ? (server as unknown as Record<symbol, unknown>)[key] : undefined;
  return list && typeof (list as ConnectionsList).all === 'function' ? (list as ConnectionsList) : undefined;
}

export interface ServerConnection {
  socket: net.Socket;
  /** The HTTP parser has bytes of a request that is not complete yet. */
  midRequest: boolean;
}

/** The live connections of an HTTP server, with their parser state. */
export function httpConnections(server: net.Server): ServerConnection[] {
  const list = connectionsList(server);
  if (list) {
    const active = new Set(list.active().map((p) => p.socket));
    return list
      .all()
      .map((p) => p.socket)
      .filter((s): s is net.Socket => s instanceof net.Socket && !s.destroyed)
      .map((socket) => ({ socket, midRequest: active.has(socket) }));
  }
  // Older internals: the sockets whose .server is this one. A partial request
  // shows as an incomplete IncomingMessage once its headers are in.
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  return handles
    .filter((h): h is InternalSocket => h instanceof net.Socket && (h as InternalSocket).server === server && !h.destroyed)
    .map((socket) => {
      const incoming = (socket.parser as { incoming?: http.IncomingMessage } | undefined)?.incoming;
      return { socket, midRequest: Boolean(incoming && !incoming.complete) };
    });
}

/** Sockets accepted by a plain (non-HTTP) net.Server. */
export function rawConnections(server: net.Server): net.Socket[] {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  return handles.filter(
    (h): h is net.Socket => h instanceof net.Socket && (h as InternalSocket).server === server && !h.destroyed,
  );
}

export function isHttpServer(server: net.Server): boolean {
  // http.Server (and https.Server) have headersTimeout, net.Server does not;
  // no instanceof, so that node:http need not be loaded to ask.
  return connectionsList(server) !== undefined || 'headersTimeout' in server;
}

/** The response this socket is writing (or will write next), if any. */
export function responseOf(socket: net.Socket): http.ServerResponse | undefined {
  return (socket as InternalSocket)._httpMessage ?? undefined;
}

/** Bytes Node still holds for this socket, not yet handed to the kernel. */
export function unflushedBytes(socket: net.Socket): number {
  const handle = (socket as InternalSocket)._handle;
  return socket.writableLength + (handle?.writeQueueSize ?? 0);
}

/** The HTTP layer paused the socket for backpressure (pipelined requests). */
export function pausedForBackpressure(socket: net.Socket): boolean {
  return (socket as InternalSocket)._paused === true;
}

/** True when it upgraded (WebSocket) or never was HTTP: no parser attached. */
export function hasHttpParser(socket: net.Socket): boolean {
  return Boolean((socket as InternalSocket).parser);
}

/**
 * Stops libuv reading this socket, so new request bytes wait in the kernel,
 * where the next process finds them. Returns an undo function.
 */
export function stopReading(socket: net.Socket): () => void {
  const handle = (socket as InternalSocket)._handle;
  if (!handle?.reading || !handle.readStop) return () => {};
  handle.readStop();
  handle.reading = false;
  return () => {
    const h = (socket as InternalSocket)._handle;
    if (h && !socket.destroyed && h.readStart && !h.reading) {
      h.reading = true;
      h.readStart();
    }
  };
}

/**
 * File system requests in flight in libuv's thread pool (an open, a write of
 * a WriteStream or appendFile): execve would drop what they still have to
 * write. Node lists them among its active requests.
 */
export function pendingFileRequests(): number {
  const requests = (process as unknown as { _getActiveRequests?: () => unknown[] })._getActiveRequests?.() ?? [];
  return requests.filter((r) => /^FSReq/.test((r as object)?.constructor?.name ?? '')).length;
}
