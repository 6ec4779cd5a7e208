// Every host nodego can pretend to be, in the order they are recognised: a
// host with a request of its own in flight first, then the Functions
// Framework and firebase-tools by their entry modules, then a plain server. Adding a host is a
// module under src/hosts/<name>/ and a line here (docs/architecture.md).
import { NodegoError } from '../errors.js';
import { HOST_NAMES, isHostName, type HostName } from '../handoff/protocol.js';
import { firebaseTools } from './firebase-tools/index.js';
import { functionsFramework } from './functions-framework/index.js';
import type { DetectContext, Detection, Host } from './host.js';
import { legacyWorker } from './legacy-worker/index.js';
import { openwhiskNodejs } from './openwhisk-nodejs/index.js';
import { plain } from './plain/index.js';

export const HOSTS: readonly Host[] = [openwhiskNodejs, legacyWorker, functionsFramework, firebaseTools, plain];

/** The first host that recognises this process, and why. */
export function detectHost(context: DetectContext): { host: Host; detection: Detection } | undefined {
  for (const host of HOSTS) {
    const detection = host.detect(context);
    if (detection) return { host, detection };
  }
  return undefined;
}

/**
 * The host module for a NODEGO_HOST name. A name without a Node side of its
 * own (openwhisk-proxy: Go's own) owes what a plain server owes.
 */
export function hostNamed(name: string): Host {
  if (!isHostName(name)) {
    throw new NodegoError('NODEGO_E_OPTIONS', `unknown host ${JSON.stringify(name)}`, `use one of ${HOST_NAMES.join(', ')}`);
  }
  return HOSTS.find((h) => h.name === name) ?? { ...plain, name: name as HostName };
}

/** The hosts with a local stand-in, by name. */
export function emulators(): Array<Host & { emulator: NonNullable<Host['emulator']> }> {
  return HOSTS.filter((h): h is Host & { emulator: NonNullable<Host['emulator']> } => h.emulator !== undefined);
}
