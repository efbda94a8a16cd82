// A small HTTP service WITHOUT the agent that honours a maintenance file itself, for the
// internal-snapshot tests of the file path.
//
// usage: node plain-app.js MAINTENANCE_FILE [objects]
//
// The file is polled every 20 ms. While it exists, /ready answers 503 and the heap holds a
// MaintenanceFileSeen object, so a snapshot shows whether it was taken in maintenance. Prints
// {"port"} once listening, then one JSON line per transition.
'use strict';
const fs = require('node:fs');
const http = require('node:http');

class MaintenanceFileSeen {
  constructor() {
    this.since = Date.now();
  }
}
class Payload {
  constructor(i) {
    this.index = i;
    this.label = 'payload-' + i;
    this.tags = [i % 7, i % 11];
  }
}

const maintenanceFile = process.argv[2];
global.payloads = [];
for (let i = 0; i < Number(process.argv[3] || 1000); i++) global.payloads.push(new Payload(i));
global.maintenanceEvidence = null;

setInterval(() => {
  const on = fs.existsSync(maintenanceFile);
  if (on !== (global.maintenanceEvidence !== null)) {
    global.maintenanceEvidence = on ? new MaintenanceFileSeen() : null;
    console.log(JSON.stringify({ maintenance: on, source: 'file' }));
  }
}, 20);

const server = http.createServer((req, res) => {
  if (req.url === '/ready') {
    res.statusCode = global.maintenanceEvidence ? 503 : 200;
    res.end();
    return;
  }
  setTimeout(() => res.end('done'), 10);
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
