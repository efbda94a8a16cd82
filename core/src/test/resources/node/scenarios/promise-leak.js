// Requests wait on promises that are never settled; each waiter keeps its reaction and context.
'use strict';
const { run, payload } = require('./harness');

class PendingJob {
  constructor(i) {
    this.id = i;
    // ~1.5 KB per job: 10,000 pending jobs add ~15 MiB per interval.
    this.args = [payload(1500, i), { retries: i % 3 }];
  }
}
const waiting = new Set();

run({
  name: 'promise-leak',
  async setup() {},
  async step(i) {
    for (let k = 0; k < 500; k++) {
      const job = new PendingJob(i * 500 + k);
      const settled = new Promise((resolve) => { waiting.add(resolve); });
      settled.then(() => job.id);
    }
  },
});
