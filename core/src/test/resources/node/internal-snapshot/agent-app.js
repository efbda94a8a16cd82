// A small HTTP service that uses the in-app agent, for the internal-snapshot tests.
//
// usage: node agent-app.js AGENT_MODULE CONTROL_PORT [objects]
//   AGENT_MODULE  absolute path of agent/index.js
//   CONTROL_PORT  the agent's control port on 127.0.0.1
//   objects       size of the heap to snapshot (default 1000)
//
// GET /slow?ms=N answers after N ms; the agent answers /ready and /health. While maintenance is
// on, the heap holds a MaintenanceWasOn object, so a snapshot shows whether it was taken in
// maintenance. Prints {"port", "controlPort"} once listening, then one JSON line per transition.
'use strict';
const http = require('node:http');
const agent = require(process.argv[2]);

class MaintenanceWasOn {
  constructor(source) {
    this.source = source;
    this.since = Date.now();
  }
}
class Payload {
  constructor(i) {
    this.index = i;
    this.label = 'payload-' + i;
  }
}

global.payloads = [];
for (let i = 0; i < Number(process.argv[4] || 1000); i++) global.payloads.push(new Payload(i));
global.maintenanceEvidence = null;

const la = agent.create({ controlPort: Number(process.argv[3]), maintenanceFile: null, logger: null });
la.on('maintenance', ({ maintenance, source }) => {
  global.maintenanceEvidence = maintenance ? new MaintenanceWasOn(source) : null;
  console.log(JSON.stringify({ maintenance, source }));
});

const server = http.createServer(la.wrap((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const delay = url.pathname === '/slow' ? Number(url.searchParams.get('ms') || 1000) : 0;
  setTimeout(() => res.end('done ' + url.pathname), delay);
}));
la.controlAddress().then((control) => {
  server.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ port: server.address().port, controlPort: control && control.port }));
  });
});
