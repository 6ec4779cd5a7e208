// The nodego contender under the Functions Framework: the module the
// framework loads swaps into the Go handler at require time.
const nowNs = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
process.stdout.write(`{"swapAt":${nowNs}}\n`);
module.exports = require('nodego').start({ binary: process.env.BENCH_BINARY });
