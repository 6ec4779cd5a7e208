// The runtime's extractInTmpDir (nodejsActionBase/runner.js): the base64
// archive written to a `mktemp -d XXXXXXXX` directory of the runtime's own
// directory, then unpacked by the unzip or tar command into a second one,
// which the action runs from. The same commands, so the same modes, the same
// time, and the same errors.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

function exec(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd }, (error, stdout, stderr) => {
      if (error) {
        // Not the runtime's message, which cannot name a missing command: a hint for this machine.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          console.error(`nodego emulate openwhisk: \`${cmd}\` is not on PATH; the runtime unpacks actions with it: install it (Debian: apt-get install ${cmd === 'mktemp' ? 'coreutils' : cmd})`);
        }
        reject(stderr.trim());
      } else resolve(stdout.trim());
    });
  });
}

/** The runtime's detectFileType: by the first four bytes. */
export function archiveType(code: string): 'zip' | 'tar.gz' | 'unsupported' {
  const magic = Buffer.from(code.slice(0, 8), 'base64').subarray(0, 4).toString('hex');
  if (magic === '504b0304') return 'zip';
  if (magic === '1f8b0808' || magic === '1f8b0800') return 'tar.gz';
  return 'unsupported';
}

/** Unpacks the action into a new directory of runtimeDir; returns it. */
export async function extractInTmpDir(code: string, runtimeDir: string): Promise<string> {
  const type = archiveType(code);
  if (type === 'unsupported') throw 'There was an error uncompressing the action archive. The file type is unsupported';
  const archiveDir = path.resolve(runtimeDir, await exec('mktemp', ['-d', 'XXXXXXXX'], runtimeDir));
  const archive = path.join(archiveDir, `action.${type}`);
  await fs.promises.writeFile(archive, code, 'base64').catch(() => {
    throw 'There was an error reading the action archive.';
  });
  const actionDir = path.resolve(runtimeDir, await exec('mktemp', ['-d', 'XXXXXXXX'], runtimeDir));
  if (type === 'zip') {
    await exec('unzip', ['-qq', archive, '-d', actionDir], runtimeDir).catch(() => {
      throw 'There was an error uncompressing the action Zip archive.';
    });
  } else {
    await exec('tar', ['-xzf', archive, '-C', actionDir], runtimeDir).catch(() => {
      throw 'There was an error uncompressing the action Tar GZ archive.';
    });
  }
  return actionDir;
}
