// The Node.js runtime (the Firebase emulator's, or Cloud Run functions')
// loads this module; nodego swaps the process into bin/function.
module.exports = require('../../..').start();
