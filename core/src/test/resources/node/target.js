// A live target for the capture tests: builds a heap of about N objects, keeps a Marker object,
// and waits. Prints "ready" once set up.
//
// usage: node [--inspect-port=0] target.js [objects]
'use strict';
class Marker {
  constructor() {
    this.name = 'marker';
  }
}
const count = Number(process.argv[2] || 1000);
global.marker = new Marker();
global.items = [];
for (let i = 0; i < count; i++) global.items.push({ index: i, label: 'item-' + i, tags: [i % 7, i % 11] });
setInterval(() => {}, 1 << 30);
console.log('ready');
