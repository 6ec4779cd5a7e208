// Where globalSetup put the Go binaries the tests hand over to.
import * as path from 'node:path';
import { repoRoot } from './host.js';

export const binDir = path.join(repoRoot, '.test-bin');
export const bin = (name: string) => path.join(binDir, name);
