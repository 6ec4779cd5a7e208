// A local stand-in for the OpenWhisk Node.js runtime, which ships as a
// container image (apache/openwhisk-runtime-nodejs, core/nodejsActionBase),
// not on npm. It copies nodejs20Action@1.23.0 in what an action or a client
// can observe:
// - one server on PORT (8080), answering as Express does (X-Powered-By,
//   a weak ETag, JSON with charset=utf-8); bodies parsed as express.json
//   does (application/json only, objects and arrays only, up to 48mb; any
//   other type leaves an empty body); routes matched on the path, with or
//   without a trailing slash and whatever the query; a body that does not
//   parse (the runtime logs "undefined" then), or any other route: 500
//   {"error":"Bad request."};
// - /init once: value.main and value.code must be strings (else 403
//   "Missing main/no code to execute."); value.env is exported to process.env
//   first (strings as they are, null as "", objects as JSON); binary code is a
//   base64 zip or tar.gz, written to a `mktemp -d XXXXXXXX` directory of the
//   runtime's directory and unpacked by `unzip -qq` or `tar -xzf` into
//   another, which becomes the cwd (extract.ts), and the module is
//   require()d there (package.json "main" or index.js); main
//   "file.fn" (split at the first dot: "index.handlers.greet") names a file
//   and a property path; plain code is evaluated; the export named by main
//   must be a function; success is 200 {"OK":true}, failure 502
//   "Initialization has failed due to: ..." with the end-of-activation
//   markers; a second /init is 403 "Cannot initialize the action more than
//   once.";
// - /run: 403 "System not initialized." before /init; each string property
//   but value becomes __OW_<NAME>; value must be an object (else 403); the
//   result must be an object (else 502 "The action did not return a
//   dictionary."); a throw is 502 "An error has occurred: ..." and stops the
//   container, a rejected promise is 200 {"error": ...} (the error
//   serialized) and goes on; one activation at a time (403 "System not ready,
//   status is running.") unless __OW_ALLOW_CONCURRENT=true; every activation
//   ends with XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX on stdout and on stderr.
// The image's own packages (RUNTIME_PACKAGES), which actions can require
// from the runtime's directory, come from --packages (a directory where they
// are installed). It differs in its directory (a new ow-runtime-<pid>-* in
// the temp directory, where the image has /nodejsAction), in not running
// `npm install` for a zip with dependencies and no node_modules, and, without
// --packages, in having none of the image's packages.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodegoError } from '../../errors.js';
import { extractInTmpDir } from './extract.js';

const LIMIT = 48 * 1024 * 1024;
const SENTINEL = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';

type Main = (args: unknown) => unknown;
interface Reply {
  code: number;
  body: unknown;
}

export interface OpenWhiskNodeRuntime {
  server: http.Server;
  close(): Promise<void>;
}

function markers() {
  console.log(SENTINEL);
  console.error(SENTINEL);
}

function exportEnv(env: unknown) {
  if (!env || typeof env !== 'object') return;
  for (const [k, v] of Object.entries(env)) {
    process.env[k] = v === null || typeof v !== 'object' ? (v ? String(v) : '') : JSON.stringify(v);
  }
}

/**
 * The runtime's directory (the image's /nodejsAction) is ow-runtime-<pid>-*:
 * the action runs from there (and, once swapped, this process is Go and
 * cannot clean up), so each new emulator removes those of processes that
 * are gone.
 */
function removeStaleRuntimes(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const pid = /^ow-runtime-(\d+)-/.exec(name)?.[1];
    if (!pid || Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch {
      fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
  }
}

async function loadAction(message: { main: string; code: string; binary?: boolean }, runtimeDir: () => string): Promise<Main> {
  let handler: unknown;
  if (message.binary) {
    const dir = await extractInTmpDir(message.code, runtimeDir());
    // As the runtime's splitMainHandler: the file before the first dot, a property path after it.
    const dot = message.main.indexOf('.');
    const [file, fn] = dot < 0 ? [undefined, message.main] : [message.main.slice(0, dot), message.main.slice(dot + 1)];
    process.chdir(dir);
    if (file === undefined && !fs.existsSync('package.json') && !fs.existsSync('index.js')) {
      throw 'Zipped actions must contain either package.json or index.js at the root.';
    }
    const exported = require(file === undefined ? dir : path.join(dir, file)) as Record<string, unknown>;
    handler = fn.split('.').reduce<unknown>((o, key) => (o === null || o === undefined ? undefined : (o as Record<string, unknown>)[key]), exported);
  } else {
    const module = { exports: {} as Record<string, unknown> };
    handler = new Function('module', 'exports', 'require', `${message.code}\ntry { return ${message.main} } catch (e) { return module.exports.${message.main} }`)(
      module,
      module.exports,
      require,
    );
  }
  if (typeof handler !== 'function') throw `Action entrypoint '${message.main}' is not a function.`;
  return handler as Main;
}

/** Express's default ETag for a body: weak, its length and a SHA-1. */
function expressETag(text: string): string {
  const bytes = Buffer.byteLength(text);
  return `W/"${bytes.toString(16)}-${createHash('sha1').update(text, 'utf8').digest('base64').substring(0, 27)}"`;
}

/** What serialize-error (which the runtime uses) makes of a rejection. */
function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  return { name: error.name, message: error.message, stack: error.stack };
}

/** What the runtime's image installs beside it (core/nodejsActionBase/package.json). */
export const RUNTIME_PACKAGES = ['openwhisk@3.21.8', 'express@4.20.0', 'serialize-error@9.1.0', 'redis@4.0.4', 'uuid@8.3.2'];

/** The runtime's directory, made on first use: with the image's packages as its node_modules when given. */
function runtimeDirectory(packages: string | undefined): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ow-runtime-${process.pid}-`));
  if (packages) fs.symlinkSync(path.resolve(packages, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

export function startOpenWhiskNodeRuntime(port = Number(process.env.PORT) || 8080, packages?: string): Promise<OpenWhiskNodeRuntime> {
  if (packages && !fs.existsSync(path.join(packages, 'node_modules'))) {
    return Promise.reject(
      new NodegoError('NODEGO_E_OPTIONS', `${packages} has no node_modules`, `install the runtime's packages there: npm install --prefix ${packages} ${RUNTIME_PACKAGES.join(' ')}`),
    );
  }
  removeStaleRuntimes();
  let runtimeDir: string | undefined;
  const ownDir = () => (runtimeDir ??= runtimeDirectory(packages));
  let main: Main | undefined;
  let status: 'ready' | 'starting' | 'running' | 'stopped' = 'ready';

  async function init(body: { value?: { main?: unknown; code?: unknown; binary?: boolean; env?: unknown } }): Promise<Reply> {
    if (main !== undefined) {
      console.error('Internal system error:', 'Cannot initialize the action more than once.');
      return { code: 403, body: { error: 'Cannot initialize the action more than once.' } };
    }
    if (status !== 'ready') return { code: 403, body: { error: `System not ready, status is ${status}.` } };
    const message = body.value ?? {};
    if (typeof message.main !== 'string' || typeof message.code !== 'string' || !message.main || !message.code) {
      return { code: 403, body: { error: 'Missing main/no code to execute.' } };
    }
    status = 'starting';
    try {
      exportEnv(message.env);
      main = await loadAction(message as { main: string; code: string; binary?: boolean }, ownDir);
      status = 'ready';
      return { code: 200, body: { OK: true } };
    } catch (error) {
      status = 'stopped';
      console.error('Error during initialization:', error);
      markers();
      return { code: 502, body: { error: `Initialization has failed due to: ${(error as Error)?.stack ?? error}` } };
    }
  }

  async function run(body: Record<string, unknown>): Promise<Reply> {
    if (main === undefined || status !== 'ready') {
      const msg = main ? `System not ready, status is ${status}.` : 'System not initialized.';
      console.error('Internal system error:', msg);
      return { code: 403, body: { error: msg } };
    }
    if (body.value === null || body.value === undefined) body.value = {};
    if (typeof body.value !== 'object') {
      return { code: 403, body: { error: `Internal system error: the argument must be a dictionary but has type '${typeof body.value}'.` } };
    }
    for (const [k, v] of Object.entries(body)) {
      if (k !== 'value' && typeof v === 'string') process.env[`__OW_${k.toUpperCase()}`] = v;
    }
    // With __OW_ALLOW_CONCURRENT=true activations overlap; else one runs at a time.
    const concurrent = process.env.__OW_ALLOW_CONCURRENT === 'true';
    if (!concurrent) status = 'running';
    try {
      let result: unknown;
      const returned = main(body.value); // a throw here is the action failing
      try {
        result = await returned;
      } catch (rejected) {
        // A rejected promise is the action's answer: {error: ...}, and the container goes on.
        result = { error: rejected ? serializeError(rejected) : {} };
      }
      if (result === undefined) result = {};
      markers();
      if (!concurrent) status = 'ready';
      if (typeof result !== 'object') return { code: 502, body: { error: 'The action did not return a dictionary.' } };
      return { code: 200, body: result };
    } catch (error) {
      console.error(error);
      markers();
      status = 'stopped';
      return { code: 502, body: { error: `An error has occurred: ${error}` } };
    }
  }

  const server = http.createServer((req, res) => {
    const send = (reply: Reply) => {
      const text = JSON.stringify(reply.body);
      res
        .writeHead(reply.code, {
          'X-Powered-By': 'Express',
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(text),
          ETag: expressETag(text),
        })
        .end(text);
    };
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= LIMIT) chunks.push(c);
    });
    req.on('end', () => {
      let body: Record<string, unknown>;
      try {
        if (size > LIMIT) throw new Error('request entity too large');
        // As express.json (strict) does: application/json only, objects and
        // arrays only; another type leaves an empty body.
        const json = /^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '');
        body = json && chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        if (body === null || typeof body !== 'object') throw new Error('not an object');
      } catch (err) {
        console.log((err as { stackTrace?: unknown }).stackTrace); // the runtime's own log line: "undefined"
        return send({ code: 500, body: { error: 'Bad request.' } });
      }
      (req as http.IncomingMessage & { body?: unknown }).body = body; // as express.json leaves it
      // Express routes the path, with or without a trailing slash, whatever the query.
      const pathname = new URL(req.url ?? '/', 'http://x').pathname.replace(/(.)\/$/, '$1');
      const route = req.method === 'POST' && (pathname === '/init' ? init : pathname === '/run' ? run : undefined);
      if (!route) return send({ code: 500, body: { error: 'Bad request.' } });
      route(body).then(send, (err) => send({ code: 500, body: { error: `Internal error. ${err}` } }));
    });
  });
  server.timeout = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () =>
      resolve({ server, close: () => new Promise((r) => server.close(() => r())) }),
    );
  });
}
