// Every connection adds a listener to a long-lived emitter and never removes it; each listener
// closure captures the connection's state.
'use strict';
const { EventEmitter } = require('events');
const { run, payload } = require('./harness');

class ConnectionState {
  constructor(i) {
    this.id = i;
    // Each connection keeps ~1.5 KB: 10,000 listeners add ~15 MiB per interval.
    this.buffer = payload(1500, i);
  }
}
const configBus = new EventEmitter();
configBus.setMaxListeners(0);

run({
  name: 'listener-leak',
  async setup() {},
  async step(i) {
    for (let k = 0; k < 500; k++) {
      const state = new ConnectionState(i * 500 + k);
      configBus.on('config-changed', function onConfigChanged(config) {
        state.config = config;
      });
    }
  },
});
