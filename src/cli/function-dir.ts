// What a function directory says about itself: its package.json, the
// "nodego" field (target, signature type), and the Functions Framework it
// depends on, if any.
import * as path from 'node:path';
import { functionConfig, readPackageJson, type PackageJson } from '../function-config.js';

export interface FunctionDir {
  dir: string;
  pkg: PackageJson;
  target: string;
  signatureType: 'http' | 'cloudevent' | 'event';
  /** An OpenWhisk action for the Node.js runtime. */
  openwhisk: boolean;
  /** A Firebase codebase (its host is firebase-tools' emulator). */
  firebase: boolean;
  /** The Functions Framework's main.js, when the function uses it. */
  framework?: string;
}

export function readFunctionDir(dirArg: string): FunctionDir {
  const dir = path.resolve(dirArg);
  const pkg = readPackageJson(dir) ?? {}; // none: a bare index.js
  const config = functionConfig(pkg);
  const signature = config.signatureType ?? 'http';
  const out: FunctionDir = {
    dir,
    pkg,
    target: config.target ?? 'function',
    openwhisk: config.host === 'openwhisk-nodejs',
    firebase: config.firebase === true,
    signatureType: signature === 'cloudevent' || signature === 'event' ? signature : 'http',
  };
  if (pkg.dependencies?.['@google-cloud/functions-framework']) {
    try {
      // Its exports map hides package.json; the entry sits beside main.js.
      const entry = require.resolve('@google-cloud/functions-framework', { paths: [dir] });
      out.framework = path.join(path.dirname(entry), 'main.js');
    } catch {
      // not installed yet; callers say to run npm install
    }
  }
  return out;
}

/** The command that runs the function's host, as the platform would. */
export function hostCommand(fn: FunctionDir, port: number): string[] {
  if (fn.framework) {
    return [fn.framework, '--source', fn.dir, '--target', fn.target, '--signature-type', fn.signatureType, '--port', String(port)];
  }
  return [path.join(fn.dir, 'index.js')];
}

/** The preload a deployed function is started with (README, "Cold start"). */
export const PRELOAD_OPTION = '--require=nodego/preload';

/**
 * The environment the host runs in, as on the platform: for a Functions
 * Framework function, NODE_OPTIONS with nodego's preload added to what is
 * there (as the platform adds its own options to the user's).
 */
export function hostEnv(fn: FunctionDir, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  if (fn.framework && !(env.NODE_OPTIONS ?? '').includes('nodego/preload')) {
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ? `${env.NODE_OPTIONS} ` : ''}${PRELOAD_OPTION}`;
  }
  return env;
}
