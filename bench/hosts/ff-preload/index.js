// The preload contender: the same function as ff-nodego, started with
// NODE_OPTIONS=--require=nodego/preload, which swaps before the framework
// loads anything; this module is only loaded if the preload did not swap.
module.exports = require('nodego').start({ binary: process.env.BENCH_BINARY });
