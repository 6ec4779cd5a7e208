// What a host is to nodego: one module under src/hosts/<name>/ says how to
// tell it is the one loading the function, which requests it has read that Go
// must answer, what the Go process needs to know from it, and, when npm does
// not ship the host, a local stand-in. The registry (registry.ts) lists them.
import type * as http from 'node:http';
import type { HostName } from '../handoff/protocol.js';
import type { PendingRequest } from '../node/quiet-point.js';

export interface DetectContext {
  /** The module that called nodego, if known. */
  caller?: string;
  /** The program's entry module (process.mainModule). */
  entry?: string;
}

export interface Detection {
  /** Why this host was chosen, for the log. */
  why: string;
  /** Variables the Go process needs from this host (its resolved options). */
  env?: Record<string, string>;
}

export interface EmulatorOptions {
  port: number;
  /** The function's directory. */
  source?: string;
  /** The function to run. */
  target?: string;
  /** A directory whose node_modules holds the packages the host's image preinstalls. */
  packages?: string;
}

export interface Emulator {
  /** Its name on the command line: `nodego emulate <command>`. */
  command: string;
  /** How `nodego emulate` describes it: the arguments, then what it stands in for. */
  usage: string;
  start(options: EmulatorOptions): Promise<http.Server>;
}

export interface Host {
  name: HostName;
  /** How this host shows in a process loading the function; undefined: not this host. */
  detect(context: DetectContext): Detection | undefined;
  /** The requests Node has read that the Go process must answer (replayed to it). */
  owed(): PendingRequest[];
  /** A local stand-in, for a host npm does not ship. */
  emulator?: Emulator;
}
