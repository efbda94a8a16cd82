'use strict';

// Maintenance toggled by the presence of a file.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const agentLib = require('..');
const { request, startServer, makeTmpDir, waitFor, AGENT_DIR } = require('./helpers');

test('creating and removing the maintenance file toggles maintenance', async () => {
  const dir = makeTmpDir();
  const file = path.join(dir, 'maintenance');
  const la = agentLib.create({ controlPort: 0, maintenanceFile: file, filePollIntervalMs: 50, logger: null });
  const srv = await startServer(la.wrap((req, res) => res.end('ok')));
  const events = [];
  la.on('maintenance', (e) => events.push(e));
  try {
    assert.equal((await request(srv.port, { path: '/ready' })).status, 200);

    fs.writeFileSync(file, '');
    await waitFor(() => la.inMaintenance, { what: 'file maintenance on' });
    assert.equal(la.maintenanceSource, 'file');
    assert.equal((await request(srv.port, { path: '/ready' })).status, 503);
    const refused = await request(srv.port, { path: '/x' });
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.connection, 'close');
    assert.equal((await request(srv.port, { path: '/health' })).status, 200);
    assert.equal(la.status().maintenanceSource, 'file');

    // Manual off does not override the operator's file...
    const off = await la.maintenanceOff();
    assert.equal(off.maintenance, true);
    assert.equal(off.maintenanceSource, 'file');

    fs.unlinkSync(file);
    await waitFor(() => !la.inMaintenance, { what: 'file maintenance off' });
    assert.equal((await request(srv.port, { path: '/ready' })).status, 200);
    assert.equal((await request(srv.port, { path: '/x' })).body, 'ok');
    assert.deepEqual(
      events.map((e) => [e.maintenance, e.source]),
      [
        [true, 'file'],
        [false, null],
      ],
    );
  } finally {
    await srv.close();
    await la.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a file present at startup means maintenance from the first request on', async () => {
  const dir = makeTmpDir();
  const file = path.join(dir, 'maintenance');
  fs.writeFileSync(file, '');
  const la = agentLib.create({ controlPort: 0, maintenanceFile: file, logger: null });
  try {
    assert.equal(la.inMaintenance, true);
    assert.equal(la.maintenanceSource, 'file');
    // ...and manual maintenance survives the file's removal.
    la.maintenanceOn();
    fs.unlinkSync(file);
    await la.checkMaintenanceFile();
    assert.equal(la.inMaintenance, true);
    assert.equal(la.maintenanceSource, 'api');
    await la.maintenanceOff();
    assert.equal(la.inMaintenance, false);
  } finally {
    await la.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the maintenance file path defaults to /tmp/maintenance and can come from the environment', async () => {
  const a = agentLib.create({ controlPort: 0, logger: null, env: {} });
  const b = agentLib.create({ controlPort: 0, logger: null, env: { LEAK_DETECTOR_AGENT_MAINTENANCE_FILE: '/tmp/x-maint' } });
  const c = agentLib.create({ controlPort: 0, logger: null, maintenanceFile: null });
  try {
    assert.equal(a.maintenanceFile, '/tmp/maintenance');
    assert.equal(b.maintenanceFile, '/tmp/x-maint');
    assert.equal(c.maintenanceFile, null);
  } finally {
    await Promise.all([a.close(), b.close(), c.close()]);
  }
});

test('the agent (file poll, control channel) and the simulator never keep a process alive', async () => {
  // If any timer or server of ours were ref'd, this child would never exit.
  const script = `
    const agent = require(${JSON.stringify(AGENT_DIR)});
    const la = agent.create({ controlPort: 0, maintenanceFile: '/tmp/lda-never-there', logger: null });
    const la2 = agent.create({ controlPort: ${40000 + (process.pid % 20000)}, maintenanceFile: null, logger: null });
    const sim = new agent.MemoryLeakSimulator();
    sim.startArrayLeak(10);
    sim.startClosureLeak(10);
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'inherit' });
  const code = await new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('timeout');
    }, 5000);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.equal(code, 0);
});
