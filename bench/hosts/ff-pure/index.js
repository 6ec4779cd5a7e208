// A pure Node.js function under the Functions Framework, same answer.
exports.hello = (req, res) => {
  res.send('Hello, World!\n');
};
