// A request log that only grows: every request is pushed onto a module-level array.
'use strict';
const { run, payload } = require('./harness');

class RequestRecord {
  constructor(i) {
    this.id = 'req-' + i;
    this.headers = { 'user-agent': 'load/' + (i % 7), accept: 'application/json' };
    // About 700 bytes per record: 20,000 records add ~14 MiB per interval.
    this.body = payload(700, i);
  }
}
const requestLog = [];

run({
  name: 'array-leak',
  async setup() {},
  async step(i) {
    for (let k = 0; k < 1000; k++) requestLog.push(new RequestRecord(i * 1000 + k));
    // Ordinary garbage alongside the leak.
    for (let k = 0; k < 2000; k++) JSON.stringify({ k, t: Date.now() });
  },
});
