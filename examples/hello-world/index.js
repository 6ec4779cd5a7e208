// The Node half of hello-world: a plain Node HTTP server. It answers the
// first request itself, then hands its socket to Go: same PID, same port,
// same keep-alive connection.
const http = require('node:http');
const nodego = require('nodego');

const server = http.createServer((req, res) => {
  res.setHeader('X-Served-By', 'node');
  res.end(`Hello from Node.js, pid ${process.pid}. Reload: Go answers from now on.\n`);
  // Waits for this response to go out, then execve()s into ./bin/function.
  nodego.swap().catch((err) => console.error(err.message));
});

server.listen(Number(process.env.PORT) || 8080, () => {
  console.log(`Node.js (pid ${process.pid}) serving on http://localhost:${server.address().port}`);
});
