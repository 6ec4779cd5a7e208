// The "nodego" field of a function's package.json, the one schema every
// reader uses:
//   "nodego": "bin/function"                       (the binary, shorthand)
//   "nodego": { "binary": "bin/function",          (relative to the directory)
//               "host": "openwhisk-nodejs",        (what runs it, when not the Functions Framework)
//               "target": "function",              (the Functions Framework target)
//               "signatureType": "http",           (http, cloudevent or event)
//               "firebase": true }                 (a Firebase codebase: build writes functions.yaml)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodegoError } from './errors.js';

export interface FunctionConfig {
  binary?: string;
  host?: string;
  target?: string;
  signatureType?: string;
  firebase?: boolean;
}

export interface PackageJson {
  name?: string;
  main?: string;
  dependencies?: Record<string, string>;
  nodego?: unknown;
}

/** dir/package.json, or undefined when there is none; bad JSON is an error. */
export function readPackageJson(dir: string): PackageJson | undefined {
  const file = path.join(dir, 'package.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as PackageJson;
  } catch (err) {
    throw new NodegoError('NODEGO_E_OPTIONS', `${file} is not valid JSON`, 'fix its syntax', { cause: err, path: file });
  }
}

/** The "nodego" field, normalised; fields of the wrong type are ignored. */
export function functionConfig(pkg: PackageJson | undefined): FunctionConfig {
  const field = pkg?.nodego;
  if (typeof field === 'string') return { binary: field };
  if (!field || typeof field !== 'object') return {};
  const out: FunctionConfig = {};
  for (const key of ['binary', 'host', 'target', 'signatureType'] as const) {
    const value = (field as Record<string, unknown>)[key];
    if (typeof value === 'string') out[key] = value;
  }
  if ((field as Record<string, unknown>).firebase === true) out.firebase = true;
  return out;
}
