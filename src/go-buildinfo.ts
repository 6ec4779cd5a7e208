// What a Go binary says about itself: the build information the Go linker
// puts in its .go.buildinfo section (what `go version -m` prints): its Go
// version, the modules it was built from and its build settings. nodego reads
// it to know, before the point of no return, whether the new process speaks
// the NODEGO_* part of the hand-off (it is built on nodego's runtime) and
// whether it is linked dynamically (cgo), which the platform's libc may not
// run.
import { sectionNamed, type ElfInfo } from './elf.js';

export interface GoBuildInfo {
  goVersion: string;
  /** The main module and every dependency, by path. */
  modules: string[];
  /** `build` settings: CGO_ENABLED, GOOS, GOARCH, ... */
  settings: Record<string, string>;
}

/** The module of nodego's Go runtime. */
export const NODEGO_MODULE = 'github.com/nodego/nodego';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

function uvarint(b: Buffer, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (let i = at; i < b.length && shift < 35; i++) {
    value += (b[i]! & 0x7f) * 2 ** shift;
    if ((b[i]! & 0x80) === 0) return [value, i + 1];
    shift += 7;
  }
  return [-1, b.length];
}

/**
 * The build information of a Go binary (Go 1.18 and later write it inline),
 * or undefined for a program that is not Go, or too old a Go to say.
 */
export function goBuildInfo(fd: number, elf: ElfInfo): GoBuildInfo | undefined {
  const section = sectionNamed(fd, elf, '.go.buildinfo');
  if (!section || section.length < 32 || !section.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if ((section[15]! & 0x2) === 0) return undefined; // pointer format: before Go 1.18
  const [versionLength, versionAt] = uvarint(section, 32);
  if (versionLength < 0) return undefined;
  const goVersion = section.subarray(versionAt, versionAt + versionLength).toString('utf8');
  const [infoLength, infoAt] = uvarint(section, versionAt + versionLength);
  if (infoLength < 0) return undefined;
  // The module text sits between two 16-byte sentinels.
  const text = infoLength >= 33 ? section.subarray(infoAt + 16, infoAt + infoLength - 16).toString('utf8') : '';
  const info: GoBuildInfo = { goVersion, modules: [], settings: {} };
  for (const line of text.split('\n')) {
    const [kind, a, b] = line.split('\t');
    if ((kind === 'mod' || kind === 'dep') && a) info.modules.push(a);
    if (kind === 'build' && a) {
      const eq = a.indexOf('=');
      if (eq > 0) info.settings[a.slice(0, eq)] = a.slice(eq + 1);
      else if (b !== undefined) info.settings[a] = b;
    }
  }
  return info;
}
