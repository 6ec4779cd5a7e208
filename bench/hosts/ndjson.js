// The stdin/stdout shim (the apex / Lambda-shim design): a Node HTTP server
// that writes each request as a JSON line to a Go child and answers with the
// line it gets back.
const http = require('node:http');
const readline = require('node:readline');
const { spawn } = require('node:child_process');

const child = spawn(process.env.BENCH_BINARY, ['-ndjson'], { stdio: ['pipe', 'pipe', 'inherit'] });
process.on('exit', () => child.kill());
const waiting = new Map();
let next = 0;
readline.createInterface({ input: child.stdout }).on('line', (line) => {
  const { id, status, body } = JSON.parse(line);
  const res = waiting.get(id);
  waiting.delete(id);
  res.writeHead(status, { 'Content-Length': Buffer.byteLength(body) }).end(body);
});
http
  .createServer((req, res) => {
    const id = next++;
    waiting.set(id, res);
    child.stdin.write(JSON.stringify({ id, method: req.method, url: req.url }) + '\n');
    req.resume();
  })
  .listen(Number(process.env.PORT));
