// The Node proxy as it is deployed on a Node.js FaaS runtime: a function
// under the Functions Framework (what Cloud Functions and Firebase run) that
// forwards every request to the same Go handler in a child process, over
// keep-alive connections. bench/hosts/proxy.js is the same proxy without the
// framework: the least such a proxy can cost, but not something those
// platforms run.
const http = require('node:http');
const { spawn } = require('node:child_process');

const childPort = Number(process.env.CHILD_PORT);
const child = spawn(process.env.BENCH_BINARY, [], {
  env: { ...process.env, PORT: String(childPort), FUNCTION_TARGET: 'hello' },
  stdio: 'ignore',
});
process.on('exit', () => child.kill());
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

exports.hello = (req, res) => {
  const upstream = http.request({ host: '127.0.0.1', port: childPort, method: req.method, path: req.originalUrl, headers: req.headers, agent }, (up) => {
    res.writeHead(up.statusCode, up.headers);
    up.pipe(res);
  });
  upstream.on('error', () => res.status(502).end());
  // The framework has read the body already (req.rawBody); a GET has none.
  upstream.end(req.rawBody);
};
