// Heavy allocation that all becomes garbage: request objects live for one request only.
'use strict';
const { run } = require('./harness');

class RequestContext {
  constructor(i) {
    this.id = i;
    this.headers = { host: 'example.test', 'x-request-id': 'r' + i };
    this.chunks = ['a'.repeat(500), 'b'.repeat(500)];
  }
}
let served = 0;

run({
  name: 'healthy-churn',
  async setup() {},
  async step(i) {
    for (let k = 0; k < 5000; k++) {
      const context = new RequestContext(i * 5000 + k);
      served += context.chunks.length;
    }
  },
});
