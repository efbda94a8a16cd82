// The service inside a pretend pod for the Kubernetes platform tests: an HTTP service whose
// readiness follows a maintenance file, as an app (or the agent) does in a real pod, and that
// leaks a LeakedSession per request to /work, so the run's analysis has something to find.
//
// usage: node k8s-app.js MAINTENANCE_FILE
//
// GET /ready answers 503 while MAINTENANCE_FILE exists; GET /work leaks. Prints {"port"} once
// listening on 127.0.0.1. With OWN_SIGUSR2=1 it takes SIGUSR2 for itself, as reloaders do: Node's
// --heapsnapshot-signal=SIGUSR2 listener is replaced, so the signal writes no snapshot.
'use strict';
const fs = require('node:fs');
const http = require('node:http');

class LeakedSession {
  constructor(i) {
    this.id = 'session-' + i;
    this.payload = 'x'.repeat(512) + i;
  }
}
const maintenanceFile = process.argv[2];
global.sessions = [];
let served = 0;

// Grows on its own too, so that a leak shows even while the test sends no requests.
setInterval(() => {
  for (let i = 0; i < 200; i++) global.sessions.push(new LeakedSession(served++));
}, 50);

const server = http.createServer((req, res) => {
  if (req.url === '/ready') {
    res.statusCode = fs.existsSync(maintenanceFile) ? 503 : 200;
    res.end();
    return;
  }
  global.sessions.push(new LeakedSession(served++));
  res.end('ok');
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
if (process.env.OWN_SIGUSR2 === '1') {
  process.removeAllListeners('SIGUSR2');
  process.on('SIGUSR2', () => console.log('SIGUSR2: the app handles it itself'));
}
