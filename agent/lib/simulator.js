'use strict';

// MemoryLeakSimulator: deliberately leaks memory in the two shapes most often
// found in real Node.js services, so leak-detector (and its users) have
// something realistic to find in heap snapshots:
//   - an ever-growing array of request-like objects (a "cache" that is never
//     evicted): retained by MemoryLeakSimulator -> Array -> LeakedRequest;
//   - listeners added per "request" to a long-lived EventEmitter and never
//     removed, each closure capturing a large context object.
// Class and function names are stable on purpose: they are what shows up as
// constructor names in the snapshot.

const crypto = require('node:crypto');
const { EventEmitter } = require('node:events');

const TICK_MS = 100;
// Rough retained sizes used for estimatedBytes (measured on Node 20 x64;
// good to within ~20%, which is all a simulator needs).
const LEAKED_REQUEST_BYTES = 1800; // object, Date, headers, UUID, 1 KiB payload string
const LISTENER_BYTES = 4500; // closure + context + 4 KiB string + array

/** A request-like object with a ~1 KiB payload. */
class LeakedRequest {
  constructor(id) {
    this.id = id;
    this.method = 'POST';
    this.url = `/api/orders/${id}`;
    this.receivedAt = new Date();
    this.headers = {
      'content-type': 'application/json',
      'user-agent': 'leak-simulator/1.0',
      'x-request-id': crypto.randomUUID(),
    };
    // 512 random bytes as hex = a unique 1024-char string (unique, so V8
    // can not share it between objects).
    this.payload = crypto.randomBytes(512).toString('hex');
  }
}

/** The "large context" each leaked listener closes over. */
class ListenerContext {
  constructor(id) {
    this.id = id;
    this.createdAt = Date.now();
    this.session = crypto.randomBytes(2048).toString('hex'); // ~4 KiB
    this.history = Array.from({ length: 16 }, (_, i) => i * id);
  }
}

class MemoryLeakSimulator {
  constructor() {
    this._leakedRequests = [];
    // Long-lived emitter, like a process-wide config or event bus.
    this._emitter = createEmitter();
    this._arrayTimer = null;
    this._closureTimer = null;
    this._nextId = 1;
  }

  /** Starts (or re-rates) the array leak: itemsPerSecond LeakedRequest objects per second. */
  startArrayLeak(itemsPerSecond = 100) {
    validateRate(itemsPerSecond, 'itemsPerSecond');
    clearInterval(this._arrayTimer);
    this._arrayTimer = startRateTimer(itemsPerSecond, (count) => {
      for (let i = 0; i < count; i++) this._leakedRequests.push(new LeakedRequest(this._nextId++));
    });
  }

  /** Starts (or re-rates) the closure leak: listenersPerSecond listeners per second. */
  startClosureLeak(listenersPerSecond = 10) {
    validateRate(listenersPerSecond, 'listenersPerSecond');
    clearInterval(this._closureTimer);
    this._closureTimer = startRateTimer(listenersPerSecond, (count) => {
      for (let i = 0; i < count; i++) addLeakyListener(this._emitter, this._nextId++);
    });
  }

  getLeakStats() {
    const arrayItems = this._leakedRequests.length;
    const closureListeners = this._emitter.listenerCount('config-changed');
    return {
      arrayItems,
      closureListeners,
      estimatedBytes: arrayItems * LEAKED_REQUEST_BYTES + closureListeners * LISTENER_BYTES,
      running: this._arrayTimer !== null || this._closureTimer !== null,
    };
  }

  /** Stops growing; what leaked so far stays referenced. */
  stopLeaks() {
    clearInterval(this._arrayTimer);
    clearInterval(this._closureTimer);
    this._arrayTimer = null;
    this._closureTimer = null;
  }

  /** Stops and drops every reference, so the next GC can free it all. */
  clearLeaks() {
    this.stopLeaks();
    this._leakedRequests = [];
    this._emitter.removeAllListeners();
    this._emitter = createEmitter();
  }
}

function createEmitter() {
  const emitter = new EventEmitter();
  // Unlimited, so the leak does not announce itself with
  // MaxListenersExceededWarning (real leaks rarely do either).
  emitter.setMaxListeners(0);
  return emitter;
}

function addLeakyListener(emitter, id) {
  const context = new ListenerContext(id);
  emitter.on('config-changed', function onConfigChanged(config) {
    // Captures `context` for as long as the emitter lives.
    return context.id === config;
  });
}

/**
 * Calls produce(count) every TICK_MS with as many items as are due at
 * `perSecond`, carrying fractions over (so 3/s really is 3/s). A tick late
 * because the event loop was blocked (e.g. by a snapshot) catches up by at
 * most one second's worth.
 */
function startRateTimer(perSecond, produce) {
  let last = Date.now();
  let carry = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    const elapsed = Math.min(now - last, 1000);
    last = now;
    carry += (perSecond * elapsed) / 1000;
    const count = Math.floor(carry);
    carry -= count;
    if (count > 0) produce(count);
  }, TICK_MS);
  // A simulator must never keep the process alive.
  timer.unref();
  return timer;
}

function validateRate(value, name) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number`);
  }
}

module.exports = { MemoryLeakSimulator, LeakedRequest, ListenerContext };
