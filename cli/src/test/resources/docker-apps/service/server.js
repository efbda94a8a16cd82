// The service the Docker platform tests examine, run in a container made by
// testenv/docker/build-node-image.sh. It listens on 0.0.0.0:8080 (published on 127.0.0.1 by the
// tests) and loads the in-app agent from ./agent (copied next to it by the test), so the file and
// agent drain methods answer 503 while it is drained.
//   LEAK=1      keeps LeakedSession objects: about 2 MB a second on a timer, plus one per request
//   NO_AGENT=1  runs without the agent (for the "agent does not answer" test)
//   OWN_SIGUSR2=1  takes SIGUSR2 for itself, as reloaders do: Node's --heapsnapshot-signal=SIGUSR2
//               listener is replaced, so the signal writes no snapshot (but still does not kill it)
'use strict';
const http = require('http');

const agent = process.env.NO_AGENT === '1' ? null
  : require('./agent').create({ logger: null, filePollIntervalMs: 100 });
const leak = process.env.LEAK === '1';

class LeakedSession {
  constructor(i) {
    this.id = 'session-' + i;
    this.payload = Buffer.alloc(1024, 97).toString('latin1') + i;
    this.created = Date.now();
  }
}
const sessions = [];
let counter = 0;
setInterval(() => {
  for (let k = 0; k < 200; k++) {
    const s = new LeakedSession(counter++);
    // The healthy service makes the same garbage and lets it go.
    if (leak) sessions.push(s);
  }
}, 100);

function handle(req, res) {
  if (leak) sessions.push(new LeakedSession(counter++));
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: req.url, pid: process.pid, kept: sessions.length }));
}

const server = http.createServer(agent ? agent.wrap(handle) : handle);
server.listen(8080, '0.0.0.0', () => console.log('listening on 8080'));
process.on('SIGTERM', () => process.exit(0));
if (process.env.OWN_SIGUSR2 === '1') {
  process.removeAllListeners('SIGUSR2');
  process.on('SIGUSR2', () => console.log('SIGUSR2: the app handles it itself'));
}
