// A request Node has read but that the Go process must answer travels as
// its HTTP/1.1 bytes (in a memfd); Go reads them before the socket.
import type * as http from 'node:http';

/**
 * The body the host already took off the stream and kept: the Functions
 * Framework keeps req.rawBody, Express-style body parsers keep req.body.
 */
export function bodyKeptByHost(req: http.IncomingMessage): Buffer | undefined {
  const kept = req as http.IncomingMessage & { rawBody?: unknown; body?: unknown };
  if (Buffer.isBuffer(kept.rawBody)) return kept.rawBody;
  if (kept.body === undefined) return undefined;
  if (Buffer.isBuffer(kept.body)) return kept.body;
  if (typeof kept.body === 'string') return Buffer.from(kept.body, 'utf8');
  return Buffer.from(JSON.stringify(kept.body), 'utf8');
}

// Framing is rewritten for the body as it is now (whole, de-chunked); Node
// already answered any Expect: 100-continue.
const DROPPED = new Set(['content-length', 'transfer-encoding', 'expect']);

export function serializeRequest(req: http.IncomingMessage, body: Buffer): Buffer {
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion === '1.0' ? '1.0' : '1.1'}`];
  let framed = false;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (DROPPED.has(raw[i]!.toLowerCase())) {
      framed ||= raw[i]!.toLowerCase() !== 'expect';
      continue;
    }
    lines.push(`${raw[i]}: ${raw[i + 1]}`);
  }
  if (framed || body.length > 0) lines.push(`Content-Length: ${body.length}`);
  // Node decoded header bytes as latin1; encoding back gives the same bytes.
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
}
