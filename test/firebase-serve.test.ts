// The Firebase dev loop: `nodego serve` in a function made by `nodego init
// --template firebase` runs the real emulator; an atomic save of main.go is
// rebuilt (bin/function and functions.yaml), and the emulator, reloading
// the codebase itself, answers from the new binary.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers/functions-framework.js';
import { hostNode, repoRoot } from './helpers/host.js';
import { eventually } from './helpers/http-client.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-fb-serve-'));
let serveProc: ReturnType<typeof spawn> | undefined;
afterAll(async () => {
  if (serveProc && serveProc.exitCode === null) {
    const exited = new Promise((r) => serveProc!.once('exit', r));
    serveProc.kill('SIGINT');
    const timer = setTimeout(() => process.kill(-serveProc!.pid!, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  fs.rmSync(work, { recursive: true, force: true });
});

/** The function's node_modules, from this checkout: nodego and the Firebase packages. */
function linkModules(functions: string) {
  const modules = path.join(functions, 'node_modules');
  fs.mkdirSync(modules);
  fs.symlinkSync(repoRoot, path.join(modules, 'nodego'));
  for (const pkg of ['firebase-tools', 'firebase-functions', 'firebase-admin']) fs.symlinkSync(path.join(repoRoot, 'node_modules', pkg), path.join(modules, pkg));
}

describe('nodego serve, a Firebase function', () => {
  it('runs the emulator, and serves each saved change from Go', async () => {
    const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
    const project = path.join(work, 'project');
    execFileSync(hostNode, [cli, 'init', project, '--template', 'firebase'], { stdio: 'pipe', env: { ...process.env, NODEGO_DEPENDENCY: `file:${repoRoot}` } });
    const functions = path.join(project, 'functions');
    linkModules(functions);
    const config = JSON.parse(fs.readFileSync(path.join(project, 'firebase.json'), 'utf8'));
    const [port, hub, logging, eventarc, tasks] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    config.functions[0].runtime = `nodejs${process.versions.node.split('.')[0]}`;
    config.emulators = { ...config.emulators, functions: { port }, hub: { port: hub }, logging: { port: logging }, eventarc: { port: eventarc }, tasks: { port: tasks } };
    fs.writeFileSync(path.join(project, 'firebase.json'), JSON.stringify(config, null, 2));

    let output = '';
    serveProc = spawn(hostNode, [cli, 'serve'], { cwd: functions, env: { ...process.env, CI: '1' }, stdio: 'pipe', detached: true });
    serveProc.stdout!.on('data', (d: Buffer) => (output += d));
    serveProc.stderr!.on('data', (d: Buffer) => (output += d));
    const url = `http://127.0.0.1:${port}/demo-project/us-central1/hello?name=Ada`;
    const greeting = async () => (await fetch(url).catch(() => undefined))?.text();
    await eventually(greeting, (body) => body === 'Hello, Ada!\n', 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    });
    expect(output).toContain('nodego serve: the Firebase emulator');

    const main = path.join(functions, 'main.go');
    fs.writeFileSync(`${main}.new`, fs.readFileSync(main, 'utf8').replace('"Hello, %s!\\n"', '"Ciao, %s!\\n"'));
    fs.renameSync(`${main}.new`, main);
    await eventually(greeting, (body) => body === 'Ciao, Ada!\n', 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    });
    expect(output).toMatch(/nodego serve: main\.go changed: rebuilding/);
  }, 240_000);
});
