#!/usr/bin/env node
// The nodego command line: a table of commands, each with its options, its
// help and an example; errors become exit codes in one place (exitCodeFor):
// 2 for a command typed wrong (with its usage), 1 for a failure (one line
// that says what to do).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { cpuByGo } from '../arch.js';
import { emulators } from '../hosts/registry.js';
import { doctor } from './doctor.js';
import { goBuild } from './go-build.js';
import { initFunction, templateNames } from './init.js';
import { packageFunction } from './package.js';
import { serve } from './serve.js';
import { testFunction } from './test-function.js';

const version = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

/** A mistake in how the command was typed: exit 2, with the usage. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: Command,
  ) {
    super(message);
  }
}

type Values = Record<string, string | boolean | undefined>;
type Options = NonNullable<ParseArgsConfig['options']>;

interface Command {
  name: string;
  args: string;
  summary: string;
  /** Option name -> [placeholder (empty for a flag), what it does]. */
  options: Record<string, [string, string]>;
  example: string;
  run(values: Values, positionals: string[]): Promise<number> | number;
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const portOf = (values: Values): number => {
  const text = str(values.port) ?? process.env.PORT ?? '8080';
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${text} is not a port number`);
  return port;
};
const goArchOption = (values: Values, allowed?: string[]): string | undefined => {
  const arch = str(values.arch);
  if (arch === undefined) return undefined;
  const known = allowed ?? ['amd64', 'arm64', '386', 'arm', 'riscv64', 'ppc64le', 's390x', 'loong64'];
  if (!known.includes(arch) || !cpuByGo(arch)) throw new UsageError(`--arch ${arch} is not one of ${known.join(', ')}`);
  return arch;
};
/** A path as the user can paste it into a POSIX shell. */
const shellQuote = (p: string) => (/^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`);

const COMMANDS: Command[] = [
  {
    name: 'init',
    args: '[dir]',
    summary: 'scaffold a function in dir (default .)',
    options: { template: ['name', `${templateNames().join(' | ')} (default http)`] },
    example: 'nodego init hello --template http',
    run(values, [dir = '.']) {
      const template = str(values.template) ?? 'http';
      const files = initFunction({ dir, template });
      // A Firebase project's function, and its package.json, is in functions/.
      const functionDir = template === 'firebase' ? path.join(dir, 'functions') : dir;
      const next = path.resolve(functionDir) === process.cwd() ? '' : `cd ${shellQuote(functionDir)} && `;
      process.stdout.write(`nodego init: wrote ${files.join(', ')} in ${dir}\nnext: ${next}npm install && npm test\n`);
      return 0;
    },
  },
  {
    name: 'test',
    args: '[dir]',
    summary: "build, go test, then one real request through the function's host",
    options: {},
    example: 'nodego test',
    run: (_values, [dir = '.']) => testFunction(dir),
  },
  {
    name: 'build',
    args: '[dir]',
    summary: 'compile the Go function in dir to dir/bin/function, static (CGO_ENABLED=0) for Linux',
    options: {
      arch: ['goarch', "the CPU to build for: amd64, arm64, ... (default this machine's)"],
      out: ['file', 'where to write the binary (default bin/function)'],
      'if-go': ['', 'where there is no Go toolchain, keep an existing binary (the platform build step)'],
    },
    example: 'nodego build --arch arm64',
    run(values, [dir = '.']) {
      const arch = goArchOption(values);
      const out = str(values.out);
      const result = goBuild({ dir, ifGo: Boolean(values['if-go']), ...(arch ? { arch } : {}), ...(out ? { out } : {}) });
      if (!result.ok) {
        process.stderr.write(`nodego build: failed${result.output ? `: ${result.output}` : ''}\n`);
        return 1;
      }
      if (result.output && !result.output.includes('\n')) process.stdout.write(`nodego build: ${result.output}\n`);
      return 0;
    },
  },
  {
    name: 'serve',
    args: '[dir]',
    summary: 'build, then run the function under its host on http://localhost:PORT; rebuild when Go source changes',
    options: {
      port: ['n', 'the port (default $PORT or 8080)'],
      'no-watch': ['', 'do not rebuild on changes'],
    },
    example: 'nodego serve --port 3000',
    run: (values, [dir = '.']) => serve({ dir, port: portOf(values), watch: !values['no-watch'] }),
  },
  {
    name: 'doctor',
    args: '[dir]',
    summary: 'check this machine and the function in dir, with a fix for each problem',
    options: {},
    example: 'nodego doctor',
    run: (_values, [dir = '.']) => doctor(dir),
  },
  {
    name: 'package',
    args: '[dir]',
    summary: 'write the archive to deploy: function.zip (Cloud Functions) or action.zip (OpenWhisk)',
    options: {
      target: ['name', 'gcf (Cloud Functions, the default) or openwhisk'],
      arch: ['goarch', "the platform's CPU: amd64 (the default) or arm64"],
      out: ['file', 'where to write the archive'],
      'fast-start': ['', 'gcf: the platform\'s functions-framework command runs the Go binary, with no Node at all'],
    },
    example: 'nodego package --target gcf --fast-start',
    async run(values, [dir = '.']) {
      const target = str(values.target) ?? 'gcf';
      if (target !== 'openwhisk' && target !== 'gcf') throw new UsageError(`--target is gcf (the default) or openwhisk, not ${target}`);
      const arch = goArchOption(values, ['amd64', 'arm64']);
      const out = str(values.out);
      if (values['fast-start'] && target !== 'gcf') throw new UsageError('--fast-start is for --target gcf');
      const packaged = await packageFunction({ dir, target, fastStart: Boolean(values['fast-start']), ...(arch ? { arch } : {}), ...(out ? { out } : {}) });
      const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
      const top = packaged.entries.slice(0, 5).map((e) => `  ${mb(e.bytes).padStart(9)}  ${e.name}`);
      const rest = packaged.entries.length - top.length;
      process.stdout.write(
        `nodego package: wrote ${path.relative(process.cwd(), packaged.file) || packaged.file} (${mb(packaged.bytes)}, ${packaged.entries.length} files)\n` +
          `${top.join('\n')}${rest > 0 ? `\n  ... and ${rest} more` : ''}\n`,
      );
      return 0;
    },
  },
  {
    name: 'emulate',
    args: '<host>',
    summary: `run a local stand-in for a host that npm does not ship: ${emulators()
      .map((h) => h.emulator.command)
      .join(', ')}`,
    options: {
      port: ['n', 'the port (default $PORT or 8080)'],
      source: ['dir', "legacy-worker: the function's directory"],
      target: ['name', 'legacy-worker: the function to run'],
      packages: ['dir', "openwhisk: a directory whose node_modules has the runtime image's packages (default $NODEGO_OW_PACKAGES)"],
    },
    example: 'nodego emulate openwhisk --port 8080',
    async run(values, [name]) {
      const host = emulators().find((h) => h.emulator.command === name);
      if (!host) {
        const known = emulators().map((h) => h.emulator.command);
        throw new UsageError(`${name === undefined ? 'emulate needs a host' : `unknown host ${JSON.stringify(name)}`}; known: ${known.join(', ')}`);
      }
      const source = str(values.source);
      const target = str(values.target);
      const packages = str(values.packages) ?? process.env.NODEGO_OW_PACKAGES;
      const server = await host.emulator.start({ port: portOf(values), ...(source ? { source } : {}), ...(target ? { target } : {}), ...(packages ? { packages } : {}) });
      const address = server.address() as { port: number };
      process.stderr.write(`${JSON.stringify({ event: 'listening', host: name, pid: process.pid, port: address.port })}\n`);
      return new Promise<number>(() => {}); // serves until the process is killed or swapped
    },
  },
];

const USAGE = `usage: nodego <command> [options]

commands:
${COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.padEnd(16)} ${c.summary}`).join('\n')}

nodego <command> --help    the command's options and an example
nodego --version           nodego's version
`;

function commandHelp(c: Command): string {
  const options = Object.entries(c.options).map(([name, [arg, what]]) => `  ${`--${name}${arg ? ` <${arg}>` : ''}`.padEnd(22)} ${what}`);
  return `usage: nodego ${c.name} ${c.args}${options.length ? ' [options]' : ''}

${c.summary}
${options.length ? `\noptions:\n${options.join('\n')}\n` : ''}
example:
  ${c.example}
`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const c = COMMANDS.find((x) => x.name === rest[0]);
    process.stdout.write(c ? commandHelp(c) : USAGE);
    return 0;
  }
  if (name === undefined) throw new UsageError('which command?');
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  const options: Options = { help: { type: 'boolean', short: 'h' } };
  for (const [option, [arg]] of Object.entries(command.options)) options[option] = { type: arg ? 'string' : 'boolean' };
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true }) as { values: Values; positionals: string[] };
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''), command);
  }
  if (parsed.values.help) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  const most = command.args.includes('[') || command.args.includes('<') ? 1 : 0;
  if (parsed.positionals.length > most) throw new UsageError(`too many arguments: ${parsed.positionals.slice(most).join(' ')}`, command);
  try {
    return await command.run(parsed.values, parsed.positionals);
  } catch (err) {
    if (err instanceof UsageError && !err.command) throw new UsageError(err.message, command);
    throw err;
  }
}

/** The one place errors become exit codes: 2 for usage, 1 for everything else. */
function exitCodeFor(err: Error): number {
  if (err instanceof UsageError) {
    process.stderr.write(`nodego: ${err.message}\n\n${err.command ? commandHelp(err.command) : USAGE}`);
    return 2;
  }
  process.stderr.write(`${err.message.startsWith('nodego') ? '' : 'nodego: '}${err.message}\n`);
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
