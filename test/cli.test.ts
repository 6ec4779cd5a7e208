// The command line as a user meets it: help for every command, the version,
// usage mistakes (exit 2, with the usage) told from failures (exit 1, one
// line that says what to do).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostNode, repoRoot } from './helpers/host.js';

const cli = (args: string[], cwd = repoRoot) => {
  const r = spawnSync(hostNode, [path.join(repoRoot, 'dist', 'cli', 'main.js'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('nodego, the command', () => {
  it('prints its version, and its usage for --help; bare, it is a usage error', () => {
    expect(cli(['--version'])).toMatchObject({ code: 0, out: `${JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version}\n` });
    expect(cli(['--help'])).toMatchObject({ code: 0, out: expect.stringMatching(/^usage: nodego <command>/) });
    expect(cli([])).toMatchObject({ code: 2, err: expect.stringMatching(/^nodego: which command\?\n\nusage: nodego <command>/) });
    expect(cli(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command "frobnicate"/) });
  });

  for (const command of ['init', 'test', 'build', 'serve', 'doctor', 'package', 'emulate']) {
    it(`${command} --help: its options and an example, and nothing done`, () => {
      const r = cli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^usage: nodego ${command} `));
      expect(r.out).toMatch(new RegExp(`example:\\n  nodego ${command}`));
      expect(cli(['help', command]).out).toBe(r.out);
    });
  }

  it('an unknown option, a bad --arch, --port or --target, an emulator host missing: exit 2 with the command\'s usage, before anything runs', () => {
    for (const [args, message] of [
      [['serve', '--bogus'], /Unknown option '--bogus'/],
      [['build', '--arch', 'sparc'], /--arch sparc is not one of amd64, arm64/],
      [['package', '--arch', 'riscv64'], /--arch riscv64 is not one of amd64, arm64$/m],
      [['package', '--target', 'lambda'], /--target is gcf \(the default\) or openwhisk, not lambda/],
      [['serve', '--port', 'eighty'], /--port eighty is not a port number/],
      [['emulate'], /emulate needs a host; known: openwhisk, legacy-worker/],
      [['init', 'a', 'b'], /too many arguments: b/],
    ] as const) {
      const r = cli([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).toMatch(new RegExp(`usage: nodego ${args[0]}`));
    }
  });

  it('init: the next step quotes a path with spaces; over existing files it fails with one line', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-cli-'));
    const dir = path.join(parent, 'my function');
    const first = cli(['init', dir]);
    expect(first.code).toBe(0);
    expect(first.out).toContain(`next: cd '${dir}' && npm install && npm test`);
    const again = cli(['init', dir]);
    expect(again.code).toBe(1);
    expect(again.err.trim().split('\n')).toHaveLength(1);
    expect(again.err).toMatch(/already has index\.js, package\.json.*: choose an empty directory/);
    const here = cli(['init', '.', '--template', 'openwhisk'], fs.mkdtempSync(path.join(parent, 'here-')));
    expect(here.out).toContain('next: npm install && npm test');
    fs.rmSync(parent, { recursive: true, force: true });
  });
});

describe('nodego build, a module that does not wire in the Go runtime', () => {
  it('fails before go runs, saying the two go.mod lines; with them added, it builds', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-unwired-'));
    try {
      fs.writeFileSync(path.join(dir, 'go.mod'), 'module unwired\n\ngo 1.23.0\n');
      fs.writeFileSync(
        path.join(dir, 'main.go'),
        'package main\n\nimport (\n\t"net/http"\n\n\t"github.com/nodego/nodego"\n)\n\nfunc main() { nodego.Serve(http.NotFoundHandler()) }\n',
      );
      const failed = cli(['build', dir]);
      expect(failed.code).toBe(1);
      expect(failed.err).toMatch(/go\.mod does not name github\.com\/nodego\/nodego, which the code imports/);
      const lines = failed.err.split('\n').filter((l) => /^ {2}(require|replace) /.test(l)).map((l) => l.trim());
      expect(lines).toHaveLength(2);
      fs.appendFileSync(path.join(dir, 'go.mod'), `\n${lines.join('\n')}\n`);
      const built = cli(['build', dir]);
      expect(built.code, built.err).toBe(0);
      expect(fs.existsSync(path.join(dir, 'bin', 'function'))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
