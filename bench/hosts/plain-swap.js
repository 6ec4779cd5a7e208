// The nodego contender on a plain Node host: a Node HTTP server with the same
// answer as the Go handler, which swaps into Go on SIGUSR2 (so the harness
// can time the swap and load it while it happens).
const http = require('node:http');
const nodego = require('nodego');

const nowNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
const server = http.createServer((req, res) => {
  res.setHeader('X-Served-By', 'node');
  res.end('Hello, World!\n');
});
server.listen(Number(process.env.PORT), () => process.stdout.write('{"event":"listening"}\n'));
process.on('SIGUSR2', () => {
  process.stdout.write(`{"swapAt":${nowNs()},"swapAtMono":${process.hrtime.bigint()}}\n`);
  nodego.swap({ binary: process.env.BENCH_BINARY }).catch((err) => process.stderr.write(`${err.message}\n`));
});
