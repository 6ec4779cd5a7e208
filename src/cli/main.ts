#!/usr/bin/env node
// The nodego command line.
import { parseArgs } from 'node:util';
import { doctor } from './doctor.js';
import { goBuild } from './go-build.js';
import { initFunction } from './init.js';
import { startLegacyWorker } from '../emulators/legacy-worker.js';
import { startOpenWhiskNodeRuntime } from '../emulators/openwhisk-nodejs.js';
import { packageFunction } from './package.js';
import { serve } from './serve.js';
import { testFunction } from './test-function.js';

const USAGE = `usage: nodego <command> [dir] [options]

commands:
  init [dir]     scaffold a function in dir (default .):
                 --template http|cloudevent|event (Functions Framework) or openwhisk
  test [dir]     build, go test, then one real request through the function's host
  build [dir]    compile the Go function in dir (default .) to dir/bin/function,
                 static (CGO_ENABLED=0) for linux; --arch amd64|arm64 for another CPU;
                 --if-go: where there is no Go toolchain, keep an existing binary
  serve [dir]    build, then run the function under its host on http://localhost:PORT
                 (--port, default $PORT or 8080); rebuilds when a .go file changes
  doctor [dir]   check this machine and the function in dir, with a fix for each problem
  package [dir]  write dir/function.zip for a Node.js Cloud Function (--target gcf, the
                 default) or dir/action.zip for an OpenWhisk nodejs action (--target openwhisk);
                 --arch amd64|arm64 (default amd64), --out file
  emulate <host> run a local stand-in for a host that npm does not ship, on --port
                 (default $PORT or 8080): openwhisk (the OpenWhisk Node.js runtime), or
                 legacy-worker --source dir --target name (the Node 6/8 Cloud Functions worker)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      arch: { type: 'string' },
      out: { type: 'string' },
      port: { type: 'string' },
      target: { type: 'string' },
      template: { type: 'string' },
      source: { type: 'string' },
      'no-watch': { type: 'boolean' },
      'if-go': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const dir = positionals[0] ?? '.';
  switch (command) {
    case 'init': {
      const files = initFunction({ dir, template: values.template ?? 'http' });
      process.stdout.write(`nodego init: wrote ${files.join(', ')} in ${dir}\nnext: cd ${dir} && npm install && npm test\n`);
      return 0;
    }
    case 'build': {
      const result = goBuild({ dir, ifGo: Boolean(values['if-go']), ...(values.arch ? { arch: values.arch } : {}), ...(values.out ? { out: values.out } : {}) });
      if (!result.ok) {
        process.stderr.write(`nodego build: failed${result.output ? `: ${result.output}` : ''}\n`);
        return 1;
      }
      process.stdout.write(`nodego build: ${result.binary}${result.output && !result.output.includes('\n') ? ` (${result.output})` : ''}\n`);
      return 0;
    }
    case 'serve': {
      const port = Number(values.port ?? process.env.PORT ?? 8080);
      return serve({ dir, port, watch: !values['no-watch'] });
    }
    case 'doctor':
      return doctor(dir);
    case 'test':
      return testFunction(dir);
    case 'package': {
      const target = values.target ?? 'gcf';
      if (target !== 'openwhisk' && target !== 'gcf') {
        process.stderr.write(`nodego package: --target is gcf (the default) or openwhisk, not ${target}\n`);
        return 2;
      }
      const out = await packageFunction({ dir, target, ...(values.arch ? { arch: values.arch } : {}), ...(values.out ? { out: values.out } : {}) });
      process.stdout.write(`nodego package: ${out}\n`);
      return 0;
    }
    case 'emulate': {
      const host = positionals[0];
      const port = Number(values.port ?? process.env.PORT ?? 8080);
      let server: import('node:http').Server;
      if (host === 'openwhisk') {
        server = (await startOpenWhiskNodeRuntime(port)).server;
      } else if (host === 'legacy-worker') {
        server = await startLegacyWorker({ port, source: values.source ?? '.', ...(values.target ? { target: values.target } : {}) });
      } else {
        process.stderr.write(`nodego emulate: unknown host ${JSON.stringify(host)}; known: openwhisk, legacy-worker\n`);
        return 2;
      }
      const address = server.address() as { port: number };
      process.stdout.write(`${JSON.stringify({ event: 'listening', host, pid: process.pid, port: address.port })}\n`);
      return new Promise<number>(() => {}); // serves until the process is killed or swapped
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`nodego: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  },
);
