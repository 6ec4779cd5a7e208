// The ESM entry: the same objects as the CommonJS one.
import nodego from './index.js';

export const {
  swap,
  plan,
  start,
  NodegoError,
  resolveBinary,
  validateBinary,
  DEFAULT_BINARY,
  HANDOFF_VERSION,
  HANDOFF_VARIABLES,
  handoffEnv,
} = nodego;
export default nodego;
