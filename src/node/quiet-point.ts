// The quiet point. A swap may only happen when Node holds no byte of any
// connection that the next process would need: no partial request in a
// parser, no response still being written, nothing unflushed on stdout or
// stderr, no file write in flight. Bytes still in the kernel (the listen
// backlog, unread socket buffers) survive execve. While waiting, idle connections stop being read,
// so they stay idle; busy ones finish their response first.
import * as http from 'node:http';
import * as net from 'node:net';
import { addon } from '../addon.js';
import type { ConnectionStateName } from '../handoff/planner.js';
import { bodyKeptByHost } from '../handoff/replay.js';
import { capturedBody, trackedOf, unansweredOn } from './request-context.js';
import {
  fdOf,
  hasHttpParser,
  httpConnections,
  isHttpServer,
  pausedForBackpressure,
  pendingFileRequests,
  rawConnections,
  responseOf,
  stopReading,
  unflushedBytes,
} from './internals.js';

export interface PendingRequest {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** The body to replay; default: the one the host kept, or the stream's. */
  body?: Buffer;
}

/** A request Go will answer, and the body it will replay. */
export interface OwedRequest {
  req: http.IncomingMessage;
  body: Buffer;
}

export interface ListenerState {
  server: net.Server;
  fd: number;
  name: string;
  address: string;
}

export interface ConnectionState {
  socket: net.Socket;
  fd: number;
  listener: number;
  peer: string;
  state: ConnectionStateName;
  /** For busy connections: what it is waiting for. */
  why?: string;
  /**
   * For owed connections: the request Go will answer and every request
   * pipelined behind it, in order, each with its whole body.
   */
  owed?: OwedRequest[];
}

export interface Snapshot {
  listeners: ListenerState[];
  connections: ConnectionState[];
  /** Empty at a quiet point. */
  blockers: string[];
}

function describeAddress(server: net.Server): string {
  const a = server.address();
  if (a === null) return '';
  return typeof a === 'string' ? a : `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
}

function peerOf(socket: net.Socket): string {
  return socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'local';
}

/**
 * Bytes Node has queued for stdout or stderr. Only a pipe or socket that
 * libuv made non-blocking can hold any (files and terminals are written
 * synchronously); asking process.stdout would create the stream, and with it
 * change the fd's flags, so it is asked only then.
 */
function unwrittenStdio(fd: 1 | 2): number {
  if (!addon().isNonBlocking(fd)) return 0;
  return (fd === 1 ? process.stdout : process.stderr).writableLength;
}

/** One swap's wait for its quiet point: what it looks at, what it holds back, how it lets go. */
export class QuietPoint {
  private readonly owed = new Map<net.Socket, PendingRequest>();
  /** Bodies read here, of requests nobody followed from their start. */
  private readonly collected = new WeakMap<http.IncomingMessage, Buffer[]>();
  private readonly resumes = new Map<net.Socket, () => void>();
  private readonly responseRestores: Array<() => void> = [];

  constructor(
    private readonly servers: net.Server[],
    pending: PendingRequest[],
  ) {
    for (const p of pending) this.owe(p);
  }

  private owe(p: PendingRequest): void {
    this.owed.set(p.req.socket, p);
  }

  /** What would be handed over now, and what stands in the way. */
  snapshot(): Snapshot {
    const listeners: ListenerState[] = [];
    const connections: ConnectionState[] = [];
    const blockers: string[] = [];
    this.servers.forEach((server, index) => {
      const http = isHttpServer(server);
      listeners.push({ server, fd: fdOf(server), name: http ? 'http' : 'tcp', address: describeAddress(server) });
      if (!http) {
        for (const socket of rawConnections(server)) {
          const peer = peerOf(socket);
          const why = 'a plain TCP connection (not HTTP), which the Go HTTP server could not continue';
          connections.push({ socket, fd: fdOf(socket), listener: index, peer, state: 'busy', why });
        }
        return;
      }
      for (const { socket, midRequest } of httpConnections(server)) {
        const fd = fdOf(socket);
        if (fd < 0) continue; // closing
        connections.push({ socket, fd, listener: index, peer: peerOf(socket), ...this.classify(socket, midRequest) });
      }
    });
    for (const c of connections) {
      if (c.state === 'busy') blockers.push(`connection from ${c.peer} (fd ${c.fd}): ${c.why}`);
    }
    for (const fd of [1, 2] as const) {
      const waiting = unwrittenStdio(fd);
      if (waiting > 0) blockers.push(`${fd === 1 ? 'stdout' : 'stderr'} has ${waiting} bytes not yet written`);
    }
    const files = pendingFileRequests();
    if (files > 0) blockers.push(`${files} file system requests still running (a write to a file must land first)`);
    return { listeners, connections, blockers };
  }

  private classify(
    socket: net.Socket,
    midRequest: boolean,
  ): { state: ConnectionStateName; why?: string; owed?: OwedRequest[] } {
    const o = this.owed.get(socket);
    if (o) return this.classifyOwed(o, midRequest);
    if ((socket as net.Socket & { encrypted?: boolean }).encrypted) {
      return { state: 'busy', why: 'a TLS connection: its session keys live in Node; terminate TLS in front of the function' };
    }
    if (!hasHttpParser(socket)) return { state: 'busy', why: 'an upgraded (WebSocket) connection' };
    if (midRequest) return { state: 'busy', why: 'a request is still arriving' };
    if (responseOf(socket)) return { state: 'busy', why: 'a response is being written by Node' };
    if (unflushedBytes(socket) > 0) return { state: 'busy', why: 'response bytes are not flushed yet' };
    if (pausedForBackpressure(socket)) return { state: 'busy', why: 'pipelined requests are queued' };
    return { state: 'idle' };
  }

  /**
   * A connection with a request Go must answer: Go answers it and every
   * request pipelined behind it (Node's answers to those would have to wait
   * for the first one's, which Node will never write), once every one of
   * them is whole. Requests before it are Node's to finish first.
   */
  private classifyOwed(o: PendingRequest, midRequest: boolean): { state: ConnectionStateName; why?: string; owed?: OwedRequest[] } {
    const queue = unansweredOn(o.req.socket);
    const at = queue.findIndex((t) => t.req === o.req);
    if (at > 0) return { state: 'busy', why: 'an earlier request on the connection is still being answered by Node' };
    const behind = at < 0 ? [] : queue.slice(at + 1).map((t) => ({ req: t.req }) as PendingRequest);
    const owed: OwedRequest[] = [];
    for (const p of [o, ...behind]) {
      const body = this.bodyOf(p);
      if (!body) return { state: 'busy', why: 'the body of a request Go will answer is still arriving' };
      owed.push({ req: p.req, body });
    }
    if (midRequest) return { state: 'busy', why: 'a request pipelined behind the one Go will answer is still arriving' };
    return { state: 'owed', owed };
  }

  /**
   * The body to replay: the one given, else the bytes captured as the parser
   * read them, else what the host kept (a request that was not followed, or
   * one too large to keep). Until it is whole, undefined, and the request is
   * made to flow: Node will not answer it, so nothing else will read it.
   */
  private bodyOf(p: PendingRequest): Buffer | undefined {
    if (p.body) return p.body;
    const tracked = trackedOf(p.req);
    if (tracked && !tracked.overflow) {
      const body = capturedBody(tracked);
      if (!body) p.req.resume();
      return body;
    }
    const kept = bodyKeptByHost(p.req);
    if (kept) return kept;
    let collected = this.collected.get(p.req);
    if (!collected && !p.req.readableEnded) {
      const chunks: Buffer[] = [];
      this.collected.set(p.req, (collected = chunks));
      p.req.on('data', (chunk: Buffer) => chunks.push(chunk));
    }
    if (!p.req.complete || !p.req.readableEnded) return undefined;
    return Buffer.concat(collected ?? []);
  }

  /**
   * Looks, and stops reading every connection that is idle or owed (with its
   * whole request in hand), so new bytes wait in the kernel for Go.
   */
  poll(): Snapshot {
    const snap = this.snapshot();
    for (const c of snap.connections) {
      if (c.state !== 'busy' && !this.resumes.has(c.socket)) this.resumes.set(c.socket, stopReading(c.socket));
    }
    return snap;
  }

  /** Lets the idle connections (not the owed ones) be read and served again, until the next poll. */
  unparkIdle(): void {
    for (const [socket, resume] of this.resumes) {
      if (this.owed.has(socket)) continue;
      resume();
      this.resumes.delete(socket);
    }
  }

  /**
   * From here on the swap is asynchronous: responses to owed requests must
   * not reach the wire from Node, whatever the host's handler does next.
   */
  holdOwedResponses(): void {
    for (const o of this.owed.values()) {
      const res = o.res as unknown as Record<string, unknown>;
      const names = ['writeHead', 'write', 'end', 'flushHeaders', 'writeContinue', 'writeProcessing'];
      for (const name of names) {
        res[name] = name === 'write' ? () => true : () => o.res;
      }
      this.responseRestores.push(() => {
        for (const name of names) delete res[name];
      });
    }
  }

  /**
   * Undo everything: Node goes on serving. Owed requests whose responses were
   * held get the error; otherwise the caller's host still answers them.
   */
  release(error: Error): void {
    const held = this.responseRestores.length > 0;
    for (const restore of this.responseRestores.splice(0)) restore();
    for (const o of held ? this.owed.values() : []) {
      if (o.res.headersSent || o.res.writableEnded) continue;
      const body = JSON.stringify({ error: error.message, code: (error as { code?: string }).code });
      o.res.writeHead(502, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
    }
    for (const resume of this.resumes.values()) resume();
    this.resumes.clear();
  }
}
