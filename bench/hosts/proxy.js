// The common shim: a Node HTTP server proxying every request to the same Go
// handler in a child process, over keep-alive connections.
const http = require('node:http');
const { spawn } = require('node:child_process');

const port = Number(process.env.PORT);
const childPort = Number(process.env.CHILD_PORT);
const child = spawn(process.env.BENCH_BINARY, [], {
  env: { ...process.env, PORT: String(childPort), FUNCTION_TARGET: 'hello' },
  stdio: 'ignore',
});
process.on('exit', () => child.kill());
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
http
  .createServer((req, res) => {
    const upstream = http.request({ host: '127.0.0.1', port: childPort, method: req.method, path: req.url, headers: req.headers, agent }, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(upstream);
  })
  .listen(port);
