// A poller started per subscription and never cleared.
'use strict';
const { run, payload } = require('./harness');

class Subscription {
  constructor(i) {
    this.topic = 'topic-' + (i % 50);
    // ~3 KB per subscription: 4,000 timers add ~12 MiB per interval.
    this.seen = [payload(3000, i)];
  }
}

run({
  name: 'timer-leak',
  async setup() {},
  async step(i) {
    for (let k = 0; k < 200; k++) {
      const subscription = new Subscription(i * 200 + k);
      setInterval(() => { subscription.seen.length = 0; }, 3600 * 1000);
    }
  },
});
