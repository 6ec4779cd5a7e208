module.exports = require('nodego').start();
