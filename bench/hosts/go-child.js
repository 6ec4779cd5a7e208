// What both Node proxies share: the Go handler in a child process, and a
// forward of one request to it over keep-alive connections.
const http = require('node:http');
const { spawn } = require('node:child_process');

const childPort = Number(process.env.CHILD_PORT);
const child = spawn(process.env.BENCH_BINARY, [], {
  env: { ...process.env, PORT: String(childPort), FUNCTION_TARGET: 'hello' },
  stdio: 'ignore',
});
process.on('exit', () => child.kill());
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** Sends req's head and `body` (a stream to pipe, or bytes) to the child; its answer goes to res. */
exports.forward = (req, res, path, body) => {
  const upstream = http.request({ host: '127.0.0.1', port: childPort, method: req.method, path, headers: req.headers, agent }, (up) => {
    res.writeHead(up.statusCode, up.headers);
    up.pipe(res);
  });
  upstream.on('error', () => {
    res.statusCode = 502;
    res.end();
  });
  if (body && typeof body.pipe === 'function') body.pipe(upstream);
  else upstream.end(body);
};
