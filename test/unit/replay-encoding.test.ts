// A request Go must answer travels as HTTP/1.1 bytes: framing rewritten for
// the whole body, every other header byte for byte.
import type * as http from 'node:http';
import { describe, expect, it } from 'vitest';
import { bodyKeptByHost, serializeRequest } from '../../dist/handoff/replay.js';

const request = (over: Partial<http.IncomingMessage>) =>
  ({ method: 'POST', url: '/run?x=1', httpVersion: '1.1', rawHeaders: [], ...over }) as http.IncomingMessage;

describe('serializeRequest', () => {
  it('drops the old framing and Expect, and frames the body with Content-Length', () => {
    const bytes = serializeRequest(
      request({ rawHeaders: ['Host', 'h', 'Transfer-Encoding', 'chunked', 'Expect', '100-continue', 'X-A', 'b'] }),
      Buffer.from('hello'),
    );
    expect(bytes.toString('latin1')).toBe('POST /run?x=1 HTTP/1.1\r\nHost: h\r\nX-A: b\r\nContent-Length: 5\r\n\r\nhello');
  });

  it('keeps HTTP/1.0, repeated headers and their case, and adds no length to a bodiless GET', () => {
    const bytes = serializeRequest(
      request({ method: 'GET', url: '/', httpVersion: '1.0', rawHeaders: ['cookie', 'a=1', 'Cookie', 'b=2'] }),
      Buffer.alloc(0),
    );
    expect(bytes.toString('latin1')).toBe('GET / HTTP/1.0\r\ncookie: a=1\r\nCookie: b=2\r\n\r\n');
  });

  it('says Content-Length: 0 when the request was framed and its body is empty', () => {
    const bytes = serializeRequest(request({ rawHeaders: ['Content-Length', '0'] }), Buffer.alloc(0));
    expect(bytes.toString('latin1')).toBe('POST /run?x=1 HTTP/1.1\r\nContent-Length: 0\r\n\r\n');
  });

  it('gives header bytes back exactly as Node decoded them (latin1)', () => {
    const bytes = serializeRequest(request({ rawHeaders: ['X-Name', 'Jos\u00e9'] }), Buffer.alloc(0));
    expect(bytes.includes(Buffer.from([0x4a, 0x6f, 0x73, 0xe9]))).toBe(true);
  });
});

describe('bodyKeptByHost', () => {
  it('prefers rawBody, then a Buffer or string body, then JSON of a parsed one', () => {
    const raw = Buffer.from('raw');
    expect(bodyKeptByHost({ rawBody: raw, body: { a: 1 } } as never)).toBe(raw);
    expect(bodyKeptByHost({ body: 'text' } as never)?.toString()).toBe('text');
    expect(bodyKeptByHost({ body: { a: 1 } } as never)?.toString()).toBe('{"a":1}');
    expect(bodyKeptByHost({} as never)).toBeUndefined();
  });
});
