// A local stand-in for the OpenWhisk Node.js runtime, which ships as a
// container image (apache/openwhisk-runtime-nodejs, core/nodejsActionBase),
// not on npm. It copies the behaviours an action can observe:
// - one server on PORT (8080), bodies parsed as JSON up to 48mb into req.body
//   (as express.json does); a body that does not parse, is too large, or a
//   route other than POST /init and POST /run: 500 {"error":"Bad request."};
// - /init once: value.main and value.code must be strings (else 403
//   "Missing main/no code to execute."); value.env is exported to process.env
//   first (strings as they are, null as "", objects as JSON); binary code is a
//   base64 zip unpacked into a fresh directory, which becomes the cwd, and
//   the module is require()d there (package.json "main" or index.js; main
//   "file.fn" names a file); plain code is evaluated; the export named by
//   main must be a function; success is 200 {"OK":true}, failure 502
//   "Initialization has failed due to: ..." with the end-of-activation
//   markers; a second /init is 403 "Cannot initialize the action more than
//   once.";
// - /run: 403 "System not initialized." before /init; each string property
//   but value becomes __OW_<NAME>; value must be an object; the result must
//   be an object (else 502 "The action did not return a dictionary."); a
//   throw is 502 "An error has occurred: ..."; every activation ends with
//   XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX on stdout and on stderr.
// It differs in unpacking zips in-process (yauzl, modes kept) rather than with
// the unzip command, and in not supporting tar.gz actions.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { unzipTo } from './unzip.js';

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
 * Actions are unpacked into ow-action-<pid>-*: the action runs from there
 * (and, once swapped, this process is Go and cannot clean up), so each new
 * emulator removes those of processes that are gone.
 */
function removeStaleActions(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const pid = /^ow-action-(\d+)-/.exec(name)?.[1];
    if (!pid || Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch {
      fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
  }
}

async function loadAction(message: { main: string; code: string; binary?: boolean }): Promise<Main> {
  let handler: unknown;
  if (message.binary) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ow-action-${process.pid}-`));
    await unzipTo(Buffer.from(message.code, 'base64'), dir);
    const parts = message.main.split('.');
    const [file, fn] = parts.length > 1 ? [parts.slice(0, -1).join('.'), parts.at(-1)!] : [undefined, message.main];
    process.chdir(dir);
    if (file === undefined && !fs.existsSync('package.json') && !fs.existsSync('index.js')) {
      throw 'Zipped actions must contain either package.json or index.js at the root.';
    }
    const exported = require(file === undefined ? dir : path.join(dir, file)) as Record<string, unknown>;
    handler = exported[fn];
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

export function startOpenWhiskNodeRuntime(port = Number(process.env.PORT) || 8080): Promise<OpenWhiskNodeRuntime> {
  removeStaleActions();
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
      main = await loadAction(message as { main: string; code: string; binary?: boolean });
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
      let result = await main(body.value);
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
      res.writeHead(reply.code, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) }).end(text);
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
      } catch {
        return send({ code: 500, body: { error: 'Bad request.' } });
      }
      (req as http.IncomingMessage & { body?: unknown }).body = body; // as express.json leaves it
      const route = req.method === 'POST' && (req.url === '/init' ? init : req.url === '/run' ? run : undefined);
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
