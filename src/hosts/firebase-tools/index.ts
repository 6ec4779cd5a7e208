// firebase-tools' own Node processes that load a function: the functions
// emulator's runtime (firebase-tools/lib/emulator/functionsEmulatorRuntime.js,
// one process per function, PORT a Unix socket path) and the
// firebase-functions SDK's discovery server (its bin, when a codebase has no
// functions.yaml). Both require the function before they listen, so nodego
// swaps at once and the Go runtime binds PORT itself; FUNCTION_TARGET,
// FUNCTION_SIGNATURE_TYPE and the discovery variables are already in the
// environment.
import { realMainModuleFile } from '../../caller.js';
import type { Host } from '../host.js';
import { runningRequest } from '../requests.js';

const EMULATOR_RUNTIME = /[\\/]firebase-tools[\\/]lib[\\/]emulator[\\/]functionsEmulatorRuntime(\.js)?$/;
const SDK_DISCOVERY = /[\\/]firebase-functions[\\/]lib[\\/]bin[\\/]firebase-functions\.js$/;

export const firebaseTools: Host = {
  name: 'firebase-tools',
  detect() {
    const main = realMainModuleFile();
    if (!main) return undefined;
    if (EMULATOR_RUNTIME.test(main)) return { why: "loaded by the Firebase functions emulator's runtime" };
    if (SDK_DISCOVERY.test(main) && process.env.FUNCTIONS_CONTROL_API === 'true') {
      return { why: "loaded by firebase-functions' discovery server" };
    }
    return undefined;
  },
  owed: runningRequest,
};
