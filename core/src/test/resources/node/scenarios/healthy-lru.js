// A bounded LRU cache at capacity: entries churn, the size stays the same. Not a leak.
'use strict';
const { run } = require('./harness');

class CacheEntry {
  constructor(key) {
    this.key = key;
    this.value = { data: 'v'.repeat(100) + key };
  }
}
class LruCache {
  constructor(capacity) {
    this.capacity = capacity;
    this.entries = new Map();
  }
  set(key, value) {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value);
    }
  }
}
const cache = new LruCache(5000);

run({
  name: 'healthy-lru',
  async setup() {
    for (let k = 0; k < 5000; k++) cache.set('warm-' + k, new CacheEntry('warm-' + k));
  },
  async step(i) {
    for (let k = 0; k < 1000; k++) cache.set('key-' + (i * 1000 + k), new CacheEntry('key-' + (i * 1000 + k)));
  },
});
