// The CPUs nodego knows, under each of their three names: Node's
// (process.arch, prebuilds/linux-<node>), Go's (GOARCH) and ELF's e_machine.
// Every file that converts between them reads this one table.

export interface Cpu {
  node: string;
  go: string;
  elfMachine: number;
}

export const CPUS: readonly Cpu[] = [
  { node: 'x64', go: 'amd64', elfMachine: 62 },
  { node: 'arm64', go: 'arm64', elfMachine: 183 },
  { node: 'ia32', go: '386', elfMachine: 3 },
  { node: 'arm', go: 'arm', elfMachine: 40 },
  { node: 'riscv64', go: 'riscv64', elfMachine: 243 },
  { node: 'ppc64', go: 'ppc64le', elfMachine: 21 },
  { node: 's390x', go: 's390x', elfMachine: 22 },
  { node: 'loong64', go: 'loong64', elfMachine: 258 },
  { node: 'mips', go: 'mips', elfMachine: 8 },
];

export const cpuByNode = (name: string): Cpu | undefined => CPUS.find((c) => c.node === name);
export const cpuByGo = (name: string): Cpu | undefined => CPUS.find((c) => c.go === name);
export const cpuByElf = (machine: number): Cpu | undefined => CPUS.find((c) => c.elfMachine === machine);

/** GOARCH for a process.arch name (this machine's by default). */
export function goArch(nodeArch: string = process.arch): string {
  return cpuByNode(nodeArch)?.go ?? nodeArch;
}

/** process.arch for a GOARCH name. */
export function nodeArch(goarch: string): string {
  return cpuByGo(goarch)?.node ?? goarch;
}
