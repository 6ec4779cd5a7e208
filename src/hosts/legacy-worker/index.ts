// The Node.js 6/8 Cloud Functions worker: listening first, it requires the
// function's module on /load. Go takes the listener and answers that /load.
import type { PendingRequest } from '../../node/quiet-point.js';
import type { Host } from '../host.js';
import { unansweredRequests } from '../requests.js';

const isLoad = (p: PendingRequest) => /^\/load(\/|\?|$)/.test(p.req.url ?? '');

export const legacyWorker: Host = {
  name: 'legacy-worker',
  detect: () => (unansweredRequests().some(isLoad) ? { why: 'a request of that host is in flight' } : undefined),
  owed: () => unansweredRequests().filter(isLoad),
  emulator: {
    command: 'legacy-worker',
    usage: 'legacy-worker --source <dir> --target <name>\n                               the Node 6/8 Cloud Functions worker',
    start: async ({ port, source, target }) =>
      (await import('./emulator.js')).startLegacyWorker({ port, source: source ?? '.', ...(target ? { target } : {}) }),
  },
};
