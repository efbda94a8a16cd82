'use strict';

// The loopback control channel, over real HTTP.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const agentLib = require('..');
const { request, startServer, getFreePort, makeTmpDir, sleep, readHeapSnapshot } = require('./helpers');

async function startAgent(options = {}) {
  const port = await getFreePort();
  const la = agentLib.create({ controlPort: port, maintenanceFile: null, logger: null, ...options });
  const address = await la.controlAddress();
  assert.ok(address, 'control channel listening');
  return { la, port: address.port, address };
}

describe('control channel', () => {
  let la;
  let port;
  let address;
  let tmp;

  before(async () => {
    ({ la, port, address } = await startAgent());
    tmp = makeTmpDir();
  });
  after(async () => {
    await la.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('is bound to 127.0.0.1 only', async () => {
    assert.equal(address.address, '127.0.0.1');
    // Another loopback address on the same port must be refused.
    await assert.rejects(
      new Promise((resolve, reject) => {
        const socket = net.connect({ host: '127.0.0.2', port }, () => {
          socket.destroy();
          resolve();
        });
        socket.on('error', reject);
        // Where 127.0.0.2 is not routed to lo (macOS), connecting just hangs.
        socket.setTimeout(2000, () => {
          const err = new Error('timeout');
          err.code = 'ETIMEDOUT';
          socket.destroy(err);
        });
      }),
      (err) => ['ECONNREFUSED', 'EADDRNOTAVAIL', 'ENETUNREACH', 'ETIMEDOUT'].includes(err.code),
    );
  });

  test('GET /status', async () => {
    const res = await request(port, { path: '/status' });
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^application\/json/);
    const s = res.json;
    assert.equal(s.pid, process.pid);
    assert.equal(s.maintenance, false);
    assert.equal(s.maintenanceSource, null);
    assert.equal(s.inFlight, 0);
    for (const key of ['rss', 'heapTotal', 'heapUsed', 'external']) assert.equal(typeof s.memory[key], 'number');
    assert.ok(s.heapLimit > 0);
    assert.ok(s.uptimeSeconds > 0);
    assert.equal(s.agentVersion, require('../package.json').version);
    assert.equal(s.nodeVersion, process.version);
  });

  test('POST /maintenance waits for in-flight requests, then off restores', async () => {
    const app = await startServer(la.wrap((req, res) => setTimeout(() => res.end('ok'), 300)));
    try {
      const inFlight = request(app.port, { path: '/slow' });
      await sleep(100);
      const t0 = Date.now();
      const on = await request(port, { method: 'POST', path: '/maintenance', body: { enabled: true, drainTimeoutMs: 5000 } });
      assert.equal(on.status, 200);
      assert.deepEqual(on.json, { maintenance: true, maintenanceSource: 'control', inFlight: 0, drained: true });
      assert.ok(Date.now() - t0 >= 150, 'answered only after the in-flight request finished');
      assert.equal((await inFlight).status, 200);
      assert.equal((await request(app.port, { path: '/ready' })).status, 503);
      assert.equal((await request(port, { path: '/status' })).json.maintenanceSource, 'control');

      const off = await request(port, { method: 'POST', path: '/maintenance', body: { enabled: false } });
      assert.deepEqual(off.json, { maintenance: false, maintenanceSource: null, inFlight: 0 });
      assert.equal((await request(app.port, { path: '/ready' })).status, 200);
    } finally {
      await app.close();
    }
  });

  test('POST /maintenance reports drained:false when the timeout wins', async () => {
    let release;
    const app = await startServer(la.wrap((req, res) => (release = () => res.end('ok'))));
    try {
      const inFlight = request(app.port, { path: '/stuck' });
      await sleep(100);
      const on = await request(port, { method: 'POST', path: '/maintenance', body: { enabled: true, drainTimeoutMs: 100 } });
      assert.deepEqual(on.json, { maintenance: true, maintenanceSource: 'control', inFlight: 1, drained: false });
      release();
      await inFlight;
    } finally {
      await request(port, { method: 'POST', path: '/maintenance', body: { enabled: false } });
      await app.close();
    }
  });

  test('POST /maintenance validates its body', async () => {
    for (const body of ['{', '[]', { enabled: 'yes' }, { enabled: true, drainTimeoutMs: -1 }, { enabled: true, drainTimeoutMs: 1.5 }]) {
      const res = await request(port, { method: 'POST', path: '/maintenance', body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(typeof res.json.error, 'string');
    }
    assert.equal(la.inMaintenance, false);
  });

  test('POST /snapshot writes a valid heap snapshot, 0600, in a new 0700 directory', async () => {
    const file = path.join(tmp, 'new-dir', 'nested', 'app.heapsnapshot');
    const res = await request(port, { method: 'POST', path: '/snapshot', body: { file } });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.file, file);
    assert.ok(res.json.bytes > 100000);
    assert.equal(typeof res.json.durationMs, 'number');
    const stat = fs.statSync(file);
    assert.equal(stat.size, res.json.bytes);
    assert.equal(stat.mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(tmp, 'new-dir')).mode & 0o777, 0o700);
    assert.ok(!fs.existsSync(`${file}.partial`), 'no partial file left behind');
    const snap = readHeapSnapshot(file);
    assert.ok(snap.strings.includes('LeakDetectorAgent'), 'snapshot of this very process');
  });

  test('POST /snapshot refuses bad paths', async () => {
    for (const file of ['relative.heapsnapshot', '/tmp/not-a-snapshot.txt', '', 42]) {
      const res = await request(port, { method: 'POST', path: '/snapshot', body: { file } });
      assert.equal(res.status, 400, `${file}: ${res.body}`);
      assert.equal(typeof res.json.error, 'string');
    }
  });

  test('POST /snapshot reports file system errors as JSON 500', async () => {
    const blocker = path.join(tmp, 'a-file');
    fs.writeFileSync(blocker, '');
    const res = await request(port, { method: 'POST', path: '/snapshot', body: { file: path.join(blocker, 'x.heapsnapshot') } });
    assert.equal(res.status, 500);
    assert.match(res.json.error, /snapshot failed/);
  });

  test('POST /gc runs a full GC and reports heap before/after', async () => {
    let garbage = Array.from({ length: 20000 }, (_, i) => ({ i, s: `garbage-${i}` }));
    garbage = null; // eslint-disable-line no-unused-vars
    const res = await request(port, { method: 'POST', path: '/gc' });
    assert.equal(res.status, 200);
    assert.ok(['global.gc', 'expose-gc'].includes(res.json.method));
    assert.equal(typeof res.json.before.heapUsed, 'number');
    assert.equal(typeof res.json.after.heapUsed, 'number');
    assert.equal(res.json.freedBytes, res.json.before.heapUsed - res.json.after.heapUsed);
    assert.ok(res.json.freedBytes > 0, 'the garbage was collected');
  });

  test('unknown endpoints, wrong methods, big bodies', async () => {
    const missing = await request(port, { path: '/nope' });
    assert.equal(missing.status, 404);
    assert.equal(typeof missing.json.error, 'string');
    const wrong = await request(port, { method: 'POST', path: '/status' });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.allow, 'GET');
    const big = await request(port, { method: 'POST', path: '/gc', body: 'x'.repeat(100 * 1024) }).catch((err) => ({ status: err.code }));
    assert.ok(big.status === 413 || big.status === 'ECONNRESET' || big.status === 'EPIPE', String(big.status));
  });

  test('refuses browsers (Origin, Sec-Fetch-*) and non-loopback Host headers', async () => {
    const fromPage = await request(port, { path: '/status', headers: { Origin: 'http://evil.example' } });
    assert.equal(fromPage.status, 403);
    const fetchMeta = await request(port, { method: 'POST', path: '/gc', headers: { 'Sec-Fetch-Site': 'cross-site' } });
    assert.equal(fetchMeta.status, 403);
    const rebinding = await request(port, { path: '/status', headers: { Host: `evil.example:${port}` } });
    assert.equal(rebinding.status, 403);
    const localhost = await request(port, { path: '/status', headers: { Host: `localhost:${port}` } });
    assert.equal(localhost.status, 200);
  });
});

describe('control channel with a token', () => {
  test('rejects missing or wrong tokens, accepts the right one', async () => {
    const { la, port } = await startAgent({ token: 's3cret-token' });
    try {
      const none = await request(port, { path: '/status' });
      assert.equal(none.status, 401);
      assert.equal(none.headers['www-authenticate'], 'Bearer');
      assert.deepEqual(Object.keys(none.json), ['error']);
      const wrong = await request(port, { path: '/status', headers: { Authorization: 'Bearer nope' } });
      assert.equal(wrong.status, 401);
      const wrongPost = await request(port, { method: 'POST', path: '/maintenance', headers: { Authorization: 'Bearer nope' }, body: { enabled: true } });
      assert.equal(wrongPost.status, 401);
      assert.equal(la.inMaintenance, false, 'an unauthorized request changes nothing');
      const basic = await request(port, { path: '/status', headers: { Authorization: 'Basic czNjcmV0LXRva2Vu' } });
      assert.equal(basic.status, 401);
      const ok = await request(port, { path: '/status', headers: { Authorization: 'Bearer s3cret-token' } });
      assert.equal(ok.status, 200);
      assert.equal(ok.json.pid, process.pid);
    } finally {
      await la.close();
    }
  });

  test('takes the token and the port from the environment', async () => {
    const port = await getFreePort();
    const la = agentLib.create({
      maintenanceFile: null,
      logger: null,
      env: { LEAK_DETECTOR_AGENT_PORT: String(port), LEAK_DETECTOR_AGENT_TOKEN: 'from-env' },
    });
    try {
      assert.equal((await la.controlAddress()).port, port);
      assert.equal((await request(port, { path: '/status' })).status, 401);
      assert.equal((await request(port, { path: '/status', headers: { Authorization: 'Bearer from-env' } })).status, 200);
    } finally {
      await la.close();
    }
  });
});

describe('control channel configuration', () => {
  test('port 0 disables it; an invalid env port disables it with a warning', async () => {
    const warnings = [];
    const logger = { info() {}, warn: (m) => warnings.push(m) };
    const off = agentLib.create({ controlPort: 0, maintenanceFile: null, logger });
    const bad = agentLib.create({ maintenanceFile: null, logger, env: { LEAK_DETECTOR_AGENT_PORT: 'nine' } });
    const envZero = agentLib.create({ maintenanceFile: null, logger, env: { LEAK_DETECTOR_AGENT_PORT: '0' } });
    assert.equal(await off.controlAddress(), null);
    assert.equal(await bad.controlAddress(), null);
    assert.equal(await envZero.controlAddress(), null);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /LEAK_DETECTOR_AGENT_PORT/);
    await Promise.all([off.close(), bad.close(), envZero.close()]);
  });

  test('a port already in use is a warning, not a crash', async () => {
    const first = await startAgent();
    const warnings = [];
    const second = agentLib.create({
      controlPort: first.port,
      maintenanceFile: null,
      logger: { warn: (m) => warnings.push(m) },
    });
    try {
      assert.equal(await second.controlAddress(), null);
      assert.match(warnings.join('\n'), /EADDRINUSE/);
      // The agent still gates requests.
      await second.maintenanceOn();
      assert.equal(second.inMaintenance, true);
    } finally {
      await second.close();
      await first.la.close();
    }
  });
});
