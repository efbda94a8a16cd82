// A small Node.js service used by `leak-detector test`: it serves fake requests (allocation that
// becomes garbage), keeps a bounded cache, and, depending on the scenario, leaks with the
// agent's MemoryLeakSimulator. leak-detector snapshots it through the inspector, as it would any
// service: nothing here talks to leak-detector except "ready" and "cleaned" on stdout.
//
// usage: node workload.js basic|leak|closure|cleanup
'use strict';
const { MemoryLeakSimulator } = require('./simulator');

const scenario = process.argv[2] || 'basic';
const simulator = new MemoryLeakSimulator();

// Normal traffic: per-request objects that die, and a cache that stays at its size.
const cache = new Map();
const CACHE_SIZE = 2000;
let served = 0;
function serve() {
  for (let i = 0; i < 200; i++) {
    const request = { id: served++, path: '/orders/' + (served % 5000), headers: { accept: 'application/json' } };
    const response = JSON.stringify({ ok: true, echo: request.path });
    cache.set(request.path, response);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value);
  }
}
// Warm up before saying "ready": the cache is full, as in a service that has been running.
while (cache.size < CACHE_SIZE) serve();
const traffic = setInterval(serve, 20);

switch (scenario) {
  case 'basic':
    break;
  case 'leak':
  case 'cleanup':
    simulator.startArrayLeak(1000);
    break;
  case 'closure':
    simulator.startClosureLeak(400);
    break;
  default:
    console.error('unknown scenario ' + scenario);
    process.exit(2);
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (data) => {
  if (data.includes('cleanup')) {
    simulator.clearLeaks();
    console.log('cleaned');
  }
});
process.stdin.on('end', () => {
  clearInterval(traffic);
  simulator.stopLeaks();
  process.exit(0);
});
console.log('ready');
