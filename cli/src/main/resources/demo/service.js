// The demo service of `leak-detector demo`: a small order API that leaks. Every request appends
// an audit entry to a module-level array that nothing ever trims: a classic slow leak.
// It reads its port from PORT, as services run by the local platform must.
'use strict';
const http = require('http');
const crypto = require('crypto');

class AuditEntry {
  constructor(path) {
    this.at = new Date();
    this.path = path;
    this.requestId = crypto.randomUUID();
    // What a careless audit log keeps: the whole response, about 2 KB.
    this.response = crypto.randomBytes(1024).toString('hex');
  }
}
const auditLog = [];

const server = http.createServer((req, res) => {
  if (req.url === '/ready' || req.url === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  const match = /^\/api\/orders\/(\d+)/.exec(req.url);
  if (!match) {
    res.writeHead(404);
    res.end();
    return;
  }
  const order = { id: Number(match[1]), status: 'shipped', items: [{ sku: 'A-' + (match[1] % 97), qty: 1 }] };
  auditLog.push(new AuditEntry(req.url));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(order));
});
server.keepAliveTimeout = 5000;
server.listen(Number(process.env.PORT || 3000), '127.0.0.1', () => {
  console.log('demo service listening on ' + server.address().port + ' (pid ' + process.pid + ')');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
