// The Functions Framework host (@google-cloud/functions-framework): it loads
// the function's module before it listens, so nodego swaps at once and the Go
// runtime binds the port itself. Its flags and variables reach Go as the
// variables, resolved by the framework's own option parser, so the
// precedence (flag over variable over default) is exactly the framework's.
import * as path from 'node:path';
import { mainModuleFile, realMainModuleFile } from '../../caller.js';
import { NodegoError } from '../../errors.js';
import type { Host } from '../host.js';
import { runningRequest } from '../requests.js';

export const functionsFramework: Host = {
  name: 'functions-framework',
  detect() {
    const main = functionsFrameworkMain();
    return main ? { why: 'loaded by the Functions Framework', env: functionsFrameworkEnv(main) } : undefined;
  },
  owed: runningRequest,
};

const MAIN = /[\\/]@google-cloud[\\/]functions-framework[\\/]build[\\/]src[\\/]main\.js$/;

/**
 * The framework's main module, when it is this process's entry point (the
 * main module, or, in a preload before there is one, the script node was
 * given: node_modules/.bin/functions-framework is a link to it).
 */
export function functionsFrameworkMain(main: string | undefined = mainModuleFile()): string | undefined {
  const real = realMainModuleFile(main);
  return real && MAIN.test(real) ? real : undefined;
}

interface FrameworkOptions {
  port: string | number;
  target: string;
  sourceLocation: string;
  signatureType: string;
  timeoutMilliseconds: number;
  enableExecutionId: boolean;
  ignoredRoutes: string | null;
}

/** The variables the Go runtime reads, from the framework's parsed options. */
export function functionsFrameworkEnv(main: string): Record<string, string> {
  let options: FrameworkOptions;
  try {
    const parser = require(path.join(path.dirname(main), 'options.js')) as {
      parseOptions(argv: string[], env: NodeJS.ProcessEnv): FrameworkOptions;
    };
    options = parser.parseOptions(process.argv, process.env);
  } catch (err) {
    throw new NodegoError(
      'NODEGO_E_OPTIONS',
      `cannot read the Functions Framework's options (${(err as Error).message})`,
      'use @google-cloud/functions-framework 3 to 5',
      { cause: err },
    );
  }
  const env: Record<string, string> = {
    PORT: String(options.port),
    FUNCTION_TARGET: options.target,
    FUNCTION_SIGNATURE_TYPE: options.signatureType,
    FUNCTION_SOURCE: options.sourceLocation,
    CLOUD_RUN_TIMEOUT_SECONDS: String(Math.floor(options.timeoutMilliseconds / 1000)),
    LOG_EXECUTION_ID: String(options.enableExecutionId),
  };
  if (options.ignoredRoutes !== null && options.ignoredRoutes !== undefined) env.IGNORED_ROUTES = options.ignoredRoutes;
  return env;
}
