'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { MemoryLeakSimulator, LeakedRequest } = require('..');
const { sleep, fullGc } = require('./helpers');

test('array and closure leaks grow; stats report them', async () => {
  const sim = new MemoryLeakSimulator();
  try {
    assert.deepEqual(sim.getLeakStats(), { arrayItems: 0, closureListeners: 0, estimatedBytes: 0, running: false });
    sim.startArrayLeak(200);
    sim.startClosureLeak(50);
    assert.equal(sim.getLeakStats().running, true);
    await sleep(350);
    const first = sim.getLeakStats();
    assert.ok(first.arrayItems >= 20, `arrayItems ${first.arrayItems}`);
    assert.ok(first.closureListeners >= 5, `closureListeners ${first.closureListeners}`);
    assert.ok(first.estimatedBytes >= first.arrayItems * 1024 + first.closureListeners * 4096);
    await sleep(300);
    const second = sim.getLeakStats();
    assert.ok(second.arrayItems > first.arrayItems, 'keeps growing');
    assert.ok(second.closureListeners > first.closureListeners, 'keeps growing');
    // Rates are roughly honoured (generous bounds for slow CI machines).
    assert.ok(second.arrayItems <= 200 * 1.5, `too many items: ${second.arrayItems}`);

    sim.stopLeaks();
    const stopped = sim.getLeakStats();
    assert.equal(stopped.running, false);
    await sleep(250);
    assert.deepEqual(sim.getLeakStats(), stopped, 'nothing grows after stopLeaks, nothing is released either');
  } finally {
    sim.clearLeaks();
  }
});

test('leaked objects are realistic: LeakedRequest with a unique ~1 KiB payload', async () => {
  const sim = new MemoryLeakSimulator();
  sim.startArrayLeak(100);
  await sleep(250);
  sim.stopLeaks();
  const items = sim._leakedRequests;
  assert.ok(items.length > 0);
  assert.ok(items[0] instanceof LeakedRequest);
  assert.equal(items[0].payload.length, 1024);
  assert.notEqual(items[0].payload, items[1].payload);
  assert.match(items[0].url, /^\/api\/orders\/\d+$/);
  sim.clearLeaks();
});

test('clearLeaks stops and releases everything to the GC', async () => {
  const sim = new MemoryLeakSimulator();
  sim.startArrayLeak(500);
  sim.startClosureLeak(100);
  await sleep(300);
  const leakedItem = new WeakRef(sim._leakedRequests[0]);
  const leakedArray = new WeakRef(sim._leakedRequests);
  const leakedEmitter = new WeakRef(sim._emitter);
  assert.ok(sim.getLeakStats().closureListeners > 0);

  sim.clearLeaks();
  assert.deepEqual(sim.getLeakStats(), { arrayItems: 0, closureListeners: 0, estimatedBytes: 0, running: false });
  // WeakRef targets are kept alive until the current job ends.
  await new Promise((r) => setImmediate(r));
  fullGc();
  assert.equal(leakedItem.deref(), undefined, 'leaked items collected');
  assert.equal(leakedArray.deref(), undefined, 'leaked array collected');
  assert.equal(leakedEmitter.deref(), undefined, 'emitter with its listeners collected');

  // Usable again afterwards.
  sim.startArrayLeak(100);
  await sleep(250);
  assert.ok(sim.getLeakStats().arrayItems > 0);
  sim.clearLeaks();
});

test('restarting a leak changes its rate instead of adding a second timer', async () => {
  const sim = new MemoryLeakSimulator();
  sim.startArrayLeak(1000);
  sim.startArrayLeak(10);
  await sleep(500);
  const { arrayItems } = sim.getLeakStats();
  sim.clearLeaks();
  assert.ok(arrayItems <= 20, `expected about 5 items, got ${arrayItems}`);
});

test('invalid rates are rejected', () => {
  const sim = new MemoryLeakSimulator();
  for (const bad of [0, -1, NaN, Infinity, '10']) {
    assert.throws(() => sim.startArrayLeak(bad), RangeError);
    assert.throws(() => sim.startClosureLeak(bad), RangeError);
  }
  assert.equal(sim.getLeakStats().running, false);
});
