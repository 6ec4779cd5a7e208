// The module that called into nodego: where a function's package.json and
// bin/ live when no option says otherwise, and whether it is the program's
// entry point.
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

export function callerDir(): string {
  const file = callerFile();
  if (file) return path.dirname(file);
  return require.main ? path.dirname(require.main.filename) : process.cwd();
}
