// A local stand-in for the Node.js 6/8 Cloud Functions worker, which was
// never published to npm. It copies what a function saw: the worker listens
// first and loads the function's module on /load (answering "User function
// is ready"), answers its health check /check with "OK", and runs the
// function for /execute (and /execute/...). As on the platform, where the
// supervisor sent /load before routing traffic, the first request of any
// kind is the load: a browser's first page says "User function is ready",
// the next one is the function's.
import * as http from 'node:http';
import * as path from 'node:path';

export interface LegacyWorkerOptions {
  port: number;
  /** The function's directory. */
  source: string;
  /** The export to run; default FUNCTION_TARGET, else "function". */
  target?: string;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

export function startLegacyWorker(options: LegacyWorkerOptions): Promise<http.Server> {
  const target = options.target ?? process.env.FUNCTION_TARGET ?? 'function';
  process.env.FUNCTION_TARGET = target;
  process.env.FUNCTION_SIGNATURE_TYPE ??= 'http';
  let fn: Handler | undefined;
  const server = http.createServer((req, res) => {
    const text = (code: number, body: string) => res.writeHead(code, { 'Content-Type': 'text/plain' }).end(body);
    if (req.url === '/check') return text(200, 'OK');
    if (!fn) {
      req.url = '/load';
      try {
        const exported = require(path.resolve(options.source)) as Record<string, unknown>;
        const candidate = exported[target];
        if (typeof candidate !== 'function') return text(500, `Function '${target}' is not defined in the provided module.`);
        fn = candidate as Handler;
      } catch (err) {
        return text(500, `Function load error: ${(err as Error).message}`);
      }
      return text(200, 'User function is ready');
    }
    if (req.url?.startsWith('/execute')) req.url = req.url.slice('/execute'.length) || '/';
    return fn(req, res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, () => resolve(server));
  });
}
