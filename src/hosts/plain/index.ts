// A plain Node server: the application calls nodego from its own code. Go
// adopts every listener and keep-alive connection, and answers the request
// whose handler asked for the swap.
import { listeningServers } from '../../node/internals.js';
import type { Host } from '../host.js';
import { runningRequest } from '../requests.js';

export const plain: Host = {
  name: 'plain',
  detect({ caller, entry }) {
    if (process.env.NODEGO_SWAP === '1') return { why: 'NODEGO_SWAP=1' };
    if (caller !== undefined && caller === entry) return { why: 'run as the program' };
    if (listeningServers().length > 0) return { why: 'a server is listening' };
    return undefined;
  },
  owed: runningRequest,
};
