// The common shim: a Node HTTP server proxying every request to the same Go
// handler in a child process, over keep-alive connections.
const http = require('node:http');
const { forward } = require('./go-child.js');

http.createServer((req, res) => forward(req, res, req.url, req)).listen(Number(process.env.PORT));
