// A small HTTP service for the run tests. It reads its port from PORT, serves /api/items/N,
// and leaks when LEAK=1 (each request keeps an entry in a module-level array). With AGENT=path
// it loads leak-detector-agent from that path, so the file and agent drain methods work.
'use strict';
const http = require('http');

const leak = process.env.LEAK === '1';
const kept = [];
class Entry {
  constructor(path) {
    this.path = path;
    this.blob = Buffer.alloc(2048, 120).toString('latin1') + path;
  }
}

let handler = (req, res) => {
  if (req.url === '/ready' || req.url === '/health') {
    res.end('ok');
    return;
  }
  if (leak) kept.push(new Entry(req.url));
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: req.url, pid: process.pid, role: process.env.LEAK_DETECTOR_ROLE || 'target' }));
};
if (process.env.AGENT) {
  const agent = require(process.env.AGENT).create({ logger: { info() {}, warn() {}, error() {} } });
  handler = agent.wrap(handler);
}
const server = http.createServer(handler);
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.log('listening ' + server.address().port);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
