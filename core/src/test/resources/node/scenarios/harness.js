// Shared harness for the analysis scenarios: runs a workload in phases and writes
// baseline, before and after snapshots from the same process, so object ids are comparable.
//
// usage: node <scenario>.js OUT_DIR [--other-history]
// --other-history: a process with another past. These workloads are deterministic, so two runs
// would give their objects nearly the same ids; this run first lets V8's profiler number its heap
// together with garbage that then dies, as a real process with another history would have.
// A scenario module exports { name, setup(), step(i) } and optionally warmup steps; the harness
// calls setup, warm-up steps, then snapshots baseline, runs steps, snapshots before, runs the
// same number of steps again, snapshots after. Between snapshots it awaits the event loop so
// that timers, promises and I/O callbacks run as in a real service.
'use strict';
const v8 = require('v8');
const path = require('path');

async function run(scenario) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node ' + path.basename(process.argv[1]) + ' OUT_DIR');
    process.exit(2);
  }
  const steps = scenario.steps || 20;
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  const files = {};
  await scenario.setup();
  if (process.argv.includes('--other-history')) {
    await giveIdsToGarbage();
  }
  for (let i = 0; i < (scenario.warmupSteps || 0); i++) {
    await scenario.warmup(i);
    await tick();
  }
  files.baseline = v8.writeHeapSnapshot(path.join(outDir, scenario.name + '-baseline.heapsnapshot'));
  for (let i = 0; i < steps; i++) {
    await scenario.step(i, 'first');
    await tick();
  }
  files.before = v8.writeHeapSnapshot(path.join(outDir, scenario.name + '-before.heapsnapshot'));
  for (let i = 0; i < steps; i++) {
    await scenario.step(steps + i, 'second');
    await tick();
  }
  files.after = v8.writeHeapSnapshot(path.join(outDir, scenario.name + '-after.heapsnapshot'));
  if (scenario.teardown) await scenario.teardown();
  process.stdout.write(JSON.stringify({ scenario: scenario.name, files }) + '\n');
  // Timers and pending work of the scenario must not keep the process alive.
  process.exit(0);
}

// Assigns heap object ids (a heap snapshot, streamed and dropped) while 100,000 short-lived
// objects sit among the live ones, so the live ones and all later objects get other ids.
async function giveIdsToGarbage() {
  const garbage = Array.from({ length: 100000 }, (_, i) => ({ i, tag: 'garbage' }));
  await new Promise((resolve, reject) => {
    const stream = v8.getHeapSnapshot();
    stream.on('end', resolve).on('error', reject).resume();
  });
  return garbage.length; // the garbage dies with this call
}

// A flat string of about `bytes` bytes, unique per i. Built from a Buffer so that V8 stores
// it as one sequential string, not as a tree of concatenations sharing parts.
function payload(bytes, i) {
  return Buffer.alloc(bytes, 97 + (i % 26)).toString('latin1') + ':' + i;
}

module.exports = { run, payload };
