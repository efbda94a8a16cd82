// A cache keyed by request id, with no eviction.
'use strict';
const { run, payload } = require('./harness');

class CachedResponse {
  constructor(i) {
    this.status = 200;
    // ~700 bytes per response: 20,000 entries add ~14 MiB per interval.
    this.payload = { items: [i, i + 1, i + 2], note: payload(700, i) };
  }
}
const responseCache = new Map();

run({
  name: 'map-cache-leak',
  async setup() {},
  async step(i) {
    for (let k = 0; k < 1000; k++) {
      const id = i * 1000 + k;
      responseCache.set('req-' + id, new CachedResponse(id));
    }
  },
});
