// The nodego contender on a plain Node host: a Node HTTP server with the same
// answer as the Go handler, which swaps into Go on SIGUSR2 (so the harness
// can time the swap and load it while it happens).
const http = require('node:http');
const nodego = require('nodego');

const server = http.createServer((req, res) => {
  res.setHeader('X-Served-By', 'node');
  res.end('Hello, World!\n');
});
server.listen(Number(process.env.PORT), () => process.stdout.write('{"event":"listening"}\n'));
process.on('SIGUSR2', () => {
  // When swap() was called, in the Go process's environment (the harness
  // reads /proc/<pid>/environ): writing it anywhere would put that write in
  // the window it measures. Wall clock for the watcher's answer, monotonic
  // for a tracer's.
  const env = {
    BENCH_SWAP_AT: String(BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6))),
    BENCH_SWAP_AT_MONO: String(process.hrtime.bigint()),
  };
  nodego.swap({ binary: process.env.BENCH_BINARY, env }).catch((err) => process.stderr.write(`${err.message}\n`));
});
