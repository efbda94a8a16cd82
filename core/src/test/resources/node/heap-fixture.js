// Builds a heap with known, named contents and writes heap snapshots of it with
// v8.writeHeapSnapshot. Used by the engine tests; every count below is asserted somewhere.
//
// usage: node heap-fixture.js OUT_DIR [scale]
// writes OUT_DIR/fixture-1.heapsnapshot and OUT_DIR/fixture-2.heapsnapshot (same process, so ids
// of surviving objects are equal), and prints a JSON manifest of what it built.
'use strict';
const v8 = require('v8');
const path = require('path');
const { EventEmitter } = require('events');

const outDir = process.argv[2];
const scale = Number(process.argv[3] || 1);
if (!outDir) {
  console.error('usage: node heap-fixture.js OUT_DIR [scale]');
  process.exit(2);
}

class Session {
  constructor(id) {
    this.id = 'session-' + id;
    this.user = { name: 'user' + id, roles: ['reader'] };
    this.createdAt = new Date(1700000000000 + id);
  }
}
class CacheEntry {
  constructor(key, payload) {
    this.key = key;
    this.payload = payload;
  }
}
class Unreferenced {}

const counts = {
  Session: 1000 * scale,
  CacheEntry: 500 * scale,
  plainPairs: 2000 * scale,
  listeners: 100 * scale,
};

const sessions = [];
for (let i = 0; i < counts.Session; i++) sessions.push(new Session(i));

const cache = new Map();
for (let i = 0; i < counts.CacheEntry; i++) {
  cache.set('k' + i, new CacheEntry('k' + i, Buffer.alloc(64, i % 256)));
}

// Plain objects with one shape, which DevTools names {a, b}.
const pairs = [];
for (let i = 0; i < counts.plainPairs; i++) pairs.push({ a: 'a' + i, b: [i] });

// Closures kept by an EventEmitter, sharing one context.
const bus = new EventEmitter();
bus.setMaxListeners(0);
for (let i = 0; i < counts.listeners; i++) {
  const captured = { index: i, blob: 'x'.repeat(100) + i };
  bus.on('tick', function onTick() { return captured.index; });
}

// WeakMap entries: values are held by key and table together.
const weak = new WeakMap();
const weakKeys = [];
for (let i = 0; i < 50; i++) {
  const key = { weakKey: i };
  weakKeys.push(key);
  weak.set(key, { weakValue: i });
}

// Strings the snapshot writer escapes or mangles: quotes, control characters, non-ASCII,
// an astral character (V8 truncates it to one \u escape) and a lone surrogate.
const odd = {
  'quoted "name"': 'tab\there',
  'ünïcödé': 'snow ☃',
  'emoji 😀': 'grin 😀',
  'lone \uD800 surrogate': 'x\uDC00y',
  'braces {}, commas': 1.5,
};

// A timer and a pending promise, as real services have.
const timer = setInterval(() => {}, 1 << 30);
const pending = new Promise(() => {});

global.__fixture = { sessions, cache, pairs, bus, weak, weakKeys, odd, timer, pending };
new Unreferenced(); // garbage: must not appear after the GC a snapshot performs

const first = v8.writeHeapSnapshot(path.join(outDir, 'fixture-1.heapsnapshot'));
// Grow some, drop some, then snapshot again in the same process.
for (let i = 0; i < 200 * scale; i++) sessions.push(new Session(counts.Session + i));
for (let i = 0; i < 100 * scale; i++) cache.delete('k' + i);
const second = v8.writeHeapSnapshot(path.join(outDir, 'fixture-2.heapsnapshot'));

clearInterval(timer);
process.stdout.write(JSON.stringify({
  files: [first, second],
  counts,
  second: { Session: counts.Session + 200 * scale, CacheEntry: counts.CacheEntry - 100 * scale },
}) + '\n');
