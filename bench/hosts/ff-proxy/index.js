// The Node proxy as it is deployed on a Node.js FaaS runtime: a function
// under the Functions Framework (what Cloud Functions and Firebase run) that
// forwards every request to the same Go handler in a child process, over
// keep-alive connections. bench/hosts/proxy.js is the same proxy without the
// framework: the least such a proxy can cost, but not something those
// platforms run.
const { forward } = require('../go-child.js');

// The framework has read the body already (req.rawBody); a GET has none.
exports.hello = (req, res) => forward(req, res, req.originalUrl, req.rawBody);
