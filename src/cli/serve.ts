// `nodego serve`: build, then run the function under its host the way the
// platform would (the Functions Framework when the function depends on it,
// the Firebase emulator for a Firebase codebase, else node index.js), on
// http://localhost:PORT; a changed .go file (or go.mod, go.sum) rebuilds and
// restarts it (the Firebase emulator reloads the rebuilt codebase itself).
// The watcher is chokidar: editors that save by writing a new file and
// renaming it over the old one (vim, JetBrains, sed -i) lose a plain
// fs.watch on Linux.
import { spawn, type ChildProcess } from 'node:child_process';
import { watch, type FSWatcher } from 'chokidar';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hostCommand, hostEnv, readFunctionDir } from './function-dir.js';
import { goBuild } from './go-build.js';

export interface ServeOptions {
  dir: string;
  port: number;
  watch: boolean;
}

export function serve(options: ServeOptions): Promise<number> {
  const dir = path.resolve(options.dir);
  const fn = readFunctionDir(dir);
  const entry = path.join(dir, 'index.js');
  if (!fs.existsSync(entry)) {
    process.stderr.write(`nodego serve: no index.js in ${dir}: run \`nodego init\` there first\n`);
    return Promise.resolve(1);
  }
  const first = goBuild({ dir });
  if (!first.ok) {
    process.stderr.write(`nodego serve: the Go build failed${first.output ? `:\n${first.output}` : ''}\n`);
    return Promise.resolve(1);
  }
  const firebase = fn.firebase ? firebaseEmulator(dir) : undefined;
  if (fn.firebase && !firebase) {
    process.stderr.write('nodego serve: firebase-tools is not installed here: run npm install (the template lists it in devDependencies)\n');
    return Promise.resolve(1);
  }
  return new Promise((resolve) => {
    let child: ChildProcess | undefined;
    let watcher: FSWatcher | undefined;
    const finish = (code: number) => {
      void watcher?.close();
      resolve(code);
    };
    const run = () => {
      child = firebase
        ? spawn(process.execPath, [firebase, 'emulators:start', '--only', 'functions'], { cwd: dir, stdio: 'inherit' })
        : spawn(process.execPath, hostCommand(fn, options.port), { cwd: dir, stdio: 'inherit', env: hostEnv(fn, options.port) });
      child.once('exit', (code, signal) => finish(code ?? (signal ? 128 : 1)));
      if (firebase) process.stdout.write(`nodego serve: the Firebase emulator, on the ports firebase.json gives (pid ${child.pid})\n`);
      else process.stdout.write(`nodego serve: http://localhost:${options.port} (pid ${child.pid})\n`);
    };
    const restart = (file: string) => {
      process.stderr.write(`nodego serve: ${file} changed: rebuilding\n`);
      const result = goBuild({ dir });
      if (!result.ok) {
        process.stderr.write('nodego serve: the build failed; still serving the previous binary\n');
        return;
      }
      // The emulator reloads the codebase itself when bin/function and functions.yaml change.
      if (firebase) return;
      const old = child!;
      old.removeAllListeners('exit');
      old.once('exit', run);
      old.kill('SIGTERM'); // the Go runtime drains in-flight requests first
    };
    if (options.watch) {
      let pending: NodeJS.Timeout | undefined;
      const ignored = /(^|[\\/])(node_modules|bin|\.git)([\\/]|$)/;
      watcher = watch(dir, { ignoreInitial: true, ignored: (p) => ignored.test(path.relative(dir, p)) });
      watcher.on('all', (_event, file) => {
        if (!/\.go$|(^|[\\/])go\.(mod|sum)$/.test(file)) return;
        clearTimeout(pending);
        pending = setTimeout(() => restart(path.relative(dir, file)), 150); // one rebuild for a burst of saves
      });
    }
    const stop = () => {
      child?.removeAllListeners('exit');
      child?.once('exit', () => finish(0));
      child?.kill('SIGTERM');
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    run();
  });
}

/** firebase-tools' CLI, as the function's own devDependency (or above it). */
function firebaseEmulator(dir: string): string | undefined {
  try {
    return require.resolve('firebase-tools/lib/bin/firebase.js', { paths: [dir] });
  } catch {
    return undefined;
  }
}
