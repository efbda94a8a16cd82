// Startup fills a lookup table once (it grows between baseline and before), then it stays
// the same size while requests are served. One-time growth, not a leak.
'use strict';
const { run } = require('./harness');

class RouteEntry {
  constructor(i) {
    this.pattern = '/api/v1/resource' + i + '/:id';
    this.handlerName = 'handler' + i;
  }
}
const routes = new Map();
let lookups = 0;

run({
  name: 'healthy-warmup',
  warmupSteps: 1,
  async setup() {},
  async warmup() {
    for (let k = 0; k < 2000; k++) routes.set('r' + k, new RouteEntry(k));
  },
  async step(i, phase) {
    if (phase === 'first' && i < 10) {
      // The rest of the warm-up happens after the baseline snapshot.
      for (let k = 0; k < 2000; k++) routes.set('r' + (2000 + i * 2000 + k), new RouteEntry(2000 + i * 2000 + k));
    }
    for (let k = 0; k < 1000; k++) lookups += routes.has('r' + (k * 7 % 20000)) ? 1 : 0;
  },
});
