#!/usr/bin/env node
// The nodego command line: a table of commands, each returning its exit
// code; errors become exit codes in one place (exitCodeFor).
import { parseArgs } from 'node:util';
import { emulators } from '../hosts/registry.js';
import { doctor } from './doctor.js';
import { goBuild } from './go-build.js';
import { initFunction } from './init.js';
import { packageFunction } from './package.js';
import { serve } from './serve.js';
import { testFunction } from './test-function.js';

const emulatorUsage = emulators()
  .map((h) => `                 ${h.emulator.usage}`)
  .join('\n');

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
                 (default $PORT or 8080):
${emulatorUsage}
`;

/** A mistake in how the command was typed: exit 2, with the usage. */
class UsageError extends Error {}

type Values = Record<string, string | boolean | undefined>;
type Command = (dir: string, values: Values, positionals: string[]) => Promise<number> | number;

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const portOf = (values: Values) => Number(str(values.port) ?? process.env.PORT ?? 8080);

const COMMANDS: Record<string, Command> = {
  init(dir, values) {
    const files = initFunction({ dir, template: str(values.template) ?? 'http' });
    process.stdout.write(`nodego init: wrote ${files.join(', ')} in ${dir}\nnext: cd ${dir} && npm install && npm test\n`);
    return 0;
  },
  build(dir, values) {
    const arch = str(values.arch);
    const out = str(values.out);
    const result = goBuild({ dir, ifGo: Boolean(values['if-go']), ...(arch ? { arch } : {}), ...(out ? { out } : {}) });
    if (!result.ok) {
      process.stderr.write(`nodego build: failed${result.output ? `: ${result.output}` : ''}\n`);
      return 1;
    }
    if (result.output && !result.output.includes('\n')) process.stdout.write(`nodego build: ${result.output}\n`);
    return 0;
  },
  serve: (dir, values) => serve({ dir, port: portOf(values), watch: !values['no-watch'] }),
  doctor: (dir) => doctor(dir),
  test: (dir) => testFunction(dir),
  async package(dir, values) {
    const target = str(values.target) ?? 'gcf';
    if (target !== 'openwhisk' && target !== 'gcf') throw new UsageError(`--target is gcf (the default) or openwhisk, not ${target}`);
    const arch = str(values.arch);
    const out = str(values.out);
    const written = await packageFunction({ dir, target, ...(arch ? { arch } : {}), ...(out ? { out } : {}) });
    process.stdout.write(`nodego package: ${written}\n`);
    return 0;
  },
  async emulate(_dir, values, positionals) {
    const name = positionals[0];
    const host = emulators().find((h) => h.emulator.command === name);
    if (!host) {
      const known = emulators().map((h) => h.emulator.command);
      throw new UsageError(`${name === undefined ? 'emulate needs a host' : `unknown host ${JSON.stringify(name)}`}; known: ${known.join(', ')}`);
    }
    const source = str(values.source);
    const target = str(values.target);
    const server = await host.emulator.start({ port: portOf(values), ...(source ? { source } : {}), ...(target ? { target } : {}) });
    const address = server.address() as { port: number };
    process.stdout.write(`${JSON.stringify({ event: 'listening', host: name, pid: process.pid, port: address.port })}\n`);
    return new Promise<number>(() => {}); // serves until the process is killed or swapped
  },
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({
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
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return run(parsed.positionals[0] ?? '.', parsed.values, parsed.positionals);
}

/** The one place errors become exit codes: 2 for usage, 1 for everything else. */
function exitCodeFor(err: Error): number {
  if (err instanceof UsageError) {
    process.stderr.write(`nodego: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  process.stderr.write(`${err.message}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    process.exitCode = exitCodeFor(err);
  },
);
