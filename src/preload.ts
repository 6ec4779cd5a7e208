// nodego/preload: `node --require nodego/preload`, reached through
// NODE_OPTIONS (which Cloud Run functions and Firebase pass to the
// platform's `functions-framework` process). When this process is the
// Functions Framework, it swaps into the function's Go binary before the
// framework loads anything (Express and the rest, most of its cold start),
// with the framework's options resolved by its own parser. Any other process
// (npm, a test runner, a build step that requires the function) is left
// alone at once: only node:fs and node:path are touched to find that out.
// `import x = require()`: plain requires, without the ES-interop copying of
// every export, which alone would cost this path most of a millisecond.
import fs = require('node:fs');
import path = require('node:path');

const FRAMEWORK_MAIN = /[\\/]@google-cloud[\\/]functions-framework[\\/]build[\\/]src[\\/]main\.js$/;

function frameworkMain(): string | undefined {
  const script = process.argv[1];
  if (!script || process.env.NODEGO_SWAP === '0') return undefined;
  try {
    const real = fs.realpathSync(script);
    return FRAMEWORK_MAIN.test(real) ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The function's module as the framework finds it (its --source,
 * FUNCTION_SOURCE or the working directory; a directory's package.json
 * "main", else index.js), when it is a nodego function.
 */
function nodegoFunction(source: string): string | undefined {
  let entry: string;
  try {
    entry = require.resolve(path.resolve(source));
  } catch {
    return undefined; // the framework will say what is missing
  }
  for (let dir = path.dirname(entry); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { dependencies?: Record<string, string>; nodego?: unknown };
        return pkg.dependencies?.nodego !== undefined || pkg.nodego !== undefined ? entry : undefined;
      } catch {
        return undefined;
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function preload(main: string): void {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when this is the framework */
  const { functionsFrameworkEnv } = require('./hosts/functions-framework/index.js') as typeof import('./hosts/functions-framework/index.js');
  const env = functionsFrameworkEnv(main);
  const entry = nodegoFunction(env.FUNCTION_SOURCE ?? '.');
  if (!entry) return;
  const { beginSwap } = require('./swap.js') as typeof import('./swap.js');
  // Where start() in the function's module would look: its directory.
  // Nothing is in flight yet: no request is owed.
  beginSwap({ dir: path.dirname(entry), host: 'functions-framework', env, pending: [] }).catch((err: Error) => {
    process.stderr.write(`${err.message}\n`);
  });
}

const main = frameworkMain();
if (main) {
  try {
    preload(main);
  } catch (err) {
    // The framework goes on and loads the function, whose start() reports
    // the same problem where the platform shows it.
    process.stderr.write(`nodego/preload: ${(err as Error).message}\n`);
  }
}
