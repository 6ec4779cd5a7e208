// A raw-socket HTTP/1.1 client for cases that need byte control: half-sent
// heads, bodies sent in pieces, the next request's first byte sent early.
import * as net from 'node:net';

export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class RawClient {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** One response (Content-Length framed), within timeoutMs. */
  async read(timeoutMs = 10_000): Promise<RawReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reply = this.parse();
      if (reply) return reply;
      if (this.closed) throw new Error(`connection closed; had ${JSON.stringify(this.buffer.toString('latin1'))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no response within ${timeoutMs} ms; had ${JSON.stringify(this.buffer.toString('latin1'))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiting = undefined;
    }
  }

  /** One whole response at the start of the buffer (Content-Length or chunked), taken off it. */
  private parse(): RawReply | undefined {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let at = end + 4;
    const chunks: Buffer[] = [];
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      for (;;) {
        const lineEnd = this.buffer.indexOf('\r\n', at);
        if (lineEnd < 0) return undefined;
        const size = parseInt(this.buffer.subarray(at, lineEnd).toString('latin1'), 16);
        if (this.buffer.length < lineEnd + 2 + size + 2) return undefined;
        if (size === 0) {
          at = lineEnd + 4; // no trailers
          break;
        }
        chunks.push(this.buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
    } else {
      const length = Number(headers['content-length'] ?? 0);
      if (this.buffer.length < at + length) return undefined;
      chunks.push(this.buffer.subarray(at, at + length));
      at += length;
    }
    const body = Buffer.concat(chunks).toString('utf8');
    this.buffer = this.buffer.subarray(at);
    return { status: Number(statusLine!.split(' ')[1]), headers, body };
  }

  /** Whether the server closes the connection within ms. */
  async closedWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A POST with a JSON body, as bytes. */
export function rawPost(route: string, body: string): string {
  return `POST ${route} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** The raw clients a test file opens, closed after each test (call closeAll in afterEach). */
export function rawClients(): { connect(port: number): Promise<RawClient>; closeAll(): void } {
  const open: RawClient[] = [];
  return {
    async connect(port) {
      const client = await RawClient.connect(port);
      open.push(client);
      return client;
    },
    closeAll() {
      for (const c of open.splice(0)) c.close();
    },
  };
}
