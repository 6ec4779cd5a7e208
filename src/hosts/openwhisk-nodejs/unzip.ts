// Unpacks a zip into a directory, keeping Unix modes (the exec bit of a Go
// binary matters), refusing entries that would land outside it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yauzl from 'yauzl';

export function unzipTo(zip: Buffer, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, strictFileNames: true }, (err, archive) => {
      if (err || !archive) return reject(err ?? new Error('not a zip'));
      archive.on('error', reject);
      archive.on('end', () => resolve());
      archive.on('entry', (entry: yauzl.Entry) => {
        const target = path.resolve(dir, entry.fileName);
        if (!target.startsWith(path.resolve(dir) + path.sep)) {
          archive.close();
          return reject(new Error(`zip entry ${entry.fileName} points outside the action's directory`));
        }
        if (entry.fileName.endsWith('/')) {
          fs.mkdirSync(target, { recursive: true });
          return archive.readEntry();
        }
        const mode = (entry.externalFileAttributes >>> 16) & 0o777;
        archive.openReadStream(entry, (err2, stream) => {
          if (err2 || !stream) return reject(err2);
          fs.mkdirSync(path.dirname(target), { recursive: true });
          const out = fs.createWriteStream(target, { mode: mode || 0o644 });
          stream.pipe(out);
          out.on('finish', () => archive.readEntry());
          out.on('error', reject);
        });
      });
      archive.readEntry();
    });
  });
}
