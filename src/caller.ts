// The module that called into nodego: where a function's package.json and
// bin/ live when no option says otherwise, and whether it is the program's
// entry point.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ownDir = __dirname;

/** The file of the first stack frame outside nodego, if any. */
export function callerFile(): string | undefined {
  const originalPrepare = Error.prepareStackTrace;
  const originalLimit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = (_err, frames) => frames;
    Error.stackTraceLimit = 50;
    const frames = new Error().stack as unknown as NodeJS.CallSite[];
    for (const frame of frames) {
      let file = frame.getFileName();
      if (!file) continue;
      if (file.startsWith('file://')) file = fileURLToPath(file);
      if (!path.isAbsolute(file) || file.startsWith(ownDir + path.sep)) continue;
      return file;
    }
  } finally {
    Error.prepareStackTrace = originalPrepare;
    Error.stackTraceLimit = originalLimit;
  }
  return undefined;
}

/**
 * The program's entry module. Read from the process each time: a module's
 * own require.main is fixed when it is loaded, and nodego's modules may load
 * in a preload (nodego/preload), before there is a main module.
 */
export function mainModuleFile(): string | undefined {
  return (process as { mainModule?: NodeModule }).mainModule?.filename;
}

/** main (default: the entry module) with links resolved: node_modules/.bin/<x> links to the package's file. */
export function realMainModuleFile(main: string | undefined = mainModuleFile()): string | undefined {
  if (!main) return undefined;
  try {
    return fs.realpathSync(main);
  } catch {
    return main; // keep the name as given
  }
}

export function callerDir(): string {
  const file = callerFile();
  if (file) return path.dirname(file);
  const main = mainModuleFile();
  return main ? path.dirname(main) : process.cwd();
}
