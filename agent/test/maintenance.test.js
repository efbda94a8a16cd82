'use strict';

// Maintenance mode against real HTTP servers: plain http.createServer with
// la.wrap(), and a hand-written (req, res, next) chain with la.middleware().

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const agentLib = require('..');
const { request, startServer, sleep } = require('./helpers');

const SLOW_MS = 300;

function quietAgent(options = {}) {
  return agentLib.create({ controlPort: 0, maintenanceFile: null, logger: null, ...options });
}

// A handler that takes SLOW_MS, like a real endpoint doing I/O.
function slowHandler(req, res) {
  setTimeout(() => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(`done ${req.url}`);
  }, SLOW_MS);
}

function assert503(res) {
  assert.equal(res.status, 503);
  assert.equal(res.headers.connection, 'close');
  assert.match(res.headers['retry-after'], /^\d+$/);
}

describe('plain http server with la.wrap()', () => {
  test('in-flight requests complete, new ones get 503, probes behave, off restores service', async () => {
    const la = quietAgent({ retryAfterSeconds: 7 });
    const srv = await startServer(la.wrap(slowHandler));
    try {
      // Normal service.
      assert.equal((await request(srv.port, { path: '/ready' })).status, 200);
      assert.equal((await request(srv.port, { path: '/health' })).status, 200);

      // Ten slow requests in flight.
      const inFlight = Array.from({ length: 10 }, (_, i) => request(srv.port, { path: `/work/${i}` }));
      await sleep(100);
      assert.equal(la.inFlight, 10);

      // Maintenance on while they run.
      const drainedPromise = la.maintenanceOn({ drainTimeoutMs: 5000 });
      assert.equal(la.inMaintenance, true);
      assert.equal(la.maintenanceSource, 'api');

      const rejected = await request(srv.port, { path: '/work/new' });
      assert503(rejected);
      assert.equal(rejected.headers['retry-after'], '7');
      assert.deepEqual(rejected.json, { error: 'service is in maintenance mode, retry later' });
      assert503(await request(srv.port, { path: '/ready' }));
      const health = await request(srv.port, { path: '/health' });
      assert.equal(health.status, 200, 'liveness stays 200 in maintenance');
      assert.deepEqual(health.json, { status: 'ok', maintenance: true });

      // Every in-flight request completed normally: zero lost.
      const results = await Promise.all(inFlight);
      for (const [i, res] of results.entries()) {
        assert.equal(res.status, 200);
        assert.equal(res.body, `done /work/${i}`);
      }
      const drained = await drainedPromise;
      assert.deepEqual(drained, { maintenance: true, maintenanceSource: 'api', inFlight: 0, drained: true });

      // Off restores normal service.
      assert.deepEqual(await la.maintenanceOff(), { maintenance: false, maintenanceSource: null, inFlight: 0 });
      assert.equal((await request(srv.port, { path: '/ready' })).status, 200);
      const again = await request(srv.port, { path: '/work/after' });
      assert.equal(again.status, 200);
      assert.equal(again.body, 'done /work/after');
    } finally {
      await srv.close();
      await la.close();
    }
  });

  test('a continuous stream of keep-alive requests loses nothing across on/off', async () => {
    const la = quietAgent();
    const srv = await startServer(la.wrap(slowHandler));
    const keepAlive = new http.Agent({ keepAlive: true });
    try {
      const outcomes = [];
      const sends = [];
      let onIndex = null;
      let offIndex = null;
      const started = Date.now();
      // 40 requests, one every ~25 ms; maintenance on at ~400 ms, off at ~800 ms
      // (after draining). Each toggle happens *before* that iteration's send.
      for (let i = 0; i < 40; i++) {
        const elapsed = Date.now() - started;
        if (onIndex === null && elapsed >= 400) {
          onIndex = i;
          la.maintenanceOn({ drainTimeoutMs: 3000 });
        }
        if (offIndex === null && elapsed >= 800) {
          assert.equal(await la.waitForDrain(3000), true);
          await la.maintenanceOff();
          offIndex = i;
        }
        sends.push(
          request(srv.port, { path: `/stream/${i}`, agent: keepAlive }).then(
            (res) => outcomes.push({ i, status: res.status, res }),
            (err) => outcomes.push({ i, error: err }),
          ),
        );
        await sleep(25);
      }
      await Promise.all(sends);
      outcomes.sort((a, b) => a.i - b.i);

      const errors = outcomes.filter((o) => o.error);
      assert.deepEqual(errors.map((o) => `${o.i}: ${o.error.message}`), [], 'no request may fail at the socket level');
      for (const o of outcomes) {
        if (o.i < onIndex || o.i >= offIndex) {
          // Sent before maintenance (in flight when it started) or after it ended.
          assert.equal(o.status, 200, `request ${o.i} (on at ${onIndex}, off at ${offIndex})`);
          assert.equal(o.res.body, `done /stream/${o.i}`);
        } else {
          assert503(o.res);
        }
      }
      assert.ok(offIndex - onIndex >= 5, 'the maintenance window covered several requests');
    } finally {
      keepAlive.destroy();
      await srv.close();
      await la.close();
    }
  });

  test('responses still in flight when maintenance starts carry Connection: close', async () => {
    const la = quietAgent();
    const srv = await startServer(la.wrap(slowHandler));
    const keepAlive = new http.Agent({ keepAlive: true });
    try {
      const pending = request(srv.port, { path: '/slow', agent: keepAlive });
      await sleep(100);
      la.maintenanceOn();
      const res = await pending;
      assert.equal(res.status, 200);
      assert.equal(res.headers.connection, 'close');
    } finally {
      keepAlive.destroy();
      await srv.close();
      await la.close();
    }
  });

  test('drain times out with drained:false, then waitForDrain resolves when the last request ends', async () => {
    const la = quietAgent();
    let release;
    const srv = await startServer(
      la.wrap((req, res) => {
        release = () => res.end('late');
      }),
    );
    try {
      const pending = request(srv.port, { path: '/stuck' });
      await sleep(100);
      const t0 = Date.now();
      const result = await la.maintenanceOn({ drainTimeoutMs: 200 });
      assert.ok(Date.now() - t0 >= 190);
      assert.deepEqual(result, { maintenance: true, maintenanceSource: 'api', inFlight: 1, drained: false });
      const drained = la.waitForDrain(5000);
      release();
      assert.equal(await drained, true);
      assert.equal((await pending).status, 200);
      assert.equal(la.inFlight, 0);
    } finally {
      await srv.close();
      await la.close();
    }
  });

  test('aborted client requests leave the in-flight count', async () => {
    const la = quietAgent();
    const srv = await startServer(la.wrap(() => {})); // never answers
    try {
      const req = http.request({ host: '127.0.0.1', port: srv.port, path: '/hang' });
      req.on('error', () => {});
      req.end();
      await sleep(100);
      assert.equal(la.inFlight, 1);
      req.destroy();
      assert.equal(await la.waitForDrain(2000), true);
    } finally {
      await srv.close();
      await la.close();
    }
  });

  test('probe details: HEAD, query strings, custom paths, disabled probes, POST bodies refused cleanly', async () => {
    const la = quietAgent({ readinessPath: '/-/ready', livenessPath: null });
    const srv = await startServer(la.wrap((req, res) => res.end(`app ${req.method} ${req.url}`)));
    try {
      const head = await request(srv.port, { method: 'HEAD', path: '/-/ready?probe=1' });
      assert.equal(head.status, 200);
      assert.equal(head.body, '');
      // Liveness disabled: the app gets /health.
      assert.equal((await request(srv.port, { path: '/health' })).body, 'app GET /health');
      // The default readiness path is the app's now.
      assert.equal((await request(srv.port, { path: '/ready' })).body, 'app GET /ready');

      la.maintenanceOn();
      assert503(await request(srv.port, { method: 'HEAD', path: '/-/ready' }));
      const post = await request(srv.port, { method: 'POST', path: '/orders', body: { big: 'x'.repeat(100000) } });
      assert503(post);
      await la.maintenanceOff();
      assert.equal((await request(srv.port, { method: 'POST', path: '/orders', body: {} })).body, 'app POST /orders');
    } finally {
      await srv.close();
      await la.close();
    }
  });

  test('emits maintenance events', async () => {
    const la = quietAgent();
    const events = [];
    la.on('maintenance', (e) => events.push(e));
    await la.maintenanceOn();
    la.maintenanceOn(); // already on: no new event
    await la.maintenanceOff();
    assert.deepEqual(events, [
      { maintenance: true, source: 'api', inFlight: 0 },
      { maintenance: false, source: null, inFlight: 0 },
    ]);
    await la.close();
  });

  test('rejects invalid options', () => {
    assert.throws(() => quietAgent({ readinessPath: 'ready' }), /readinessPath/);
    assert.throws(() => quietAgent({ controlPort: 70000 }), /controlPort/);
    assert.throws(() => quietAgent({ retryAfterSeconds: 0 }), /retryAfterSeconds/);
    assert.throws(() => quietAgent().wrap('nope'), /handler/);
  });
});

describe('(req, res, next) middleware', () => {
  // A minimal Connect-style dispatcher, standing in for Express.
  function chain(...middlewares) {
    return (req, res) => {
      let index = 0;
      const next = (err) => {
        if (err) {
          res.statusCode = 500;
          res.end(String(err));
          return;
        }
        const mw = middlewares[index++];
        if (mw) mw(req, res, next);
        else {
          res.statusCode = 404;
          res.end('not found');
        }
      };
      next();
    };
  }

  test('passes requests down the chain, answers probes and 503s itself', async () => {
    const la = quietAgent();
    const seen = [];
    const logger = (req, res, next) => {
      seen.push(req.url);
      next();
    };
    const app = (req, res, next) => {
      if (req.url.startsWith('/api')) setTimeout(() => res.end(`api ${req.url}`), SLOW_MS);
      else next();
    };
    const srv = await startServer(chain(la.middleware(), logger, app));
    try {
      assert.equal((await request(srv.port, { path: '/api/a' })).body, 'api /api/a');
      assert.equal((await request(srv.port, { path: '/nowhere' })).status, 404);
      assert.equal((await request(srv.port, { path: '/ready' })).json.status, 'ready');
      assert.deepEqual(seen, ['/api/a', '/nowhere'], 'probes never reach the app');

      const inFlight = [1, 2, 3].map((i) => request(srv.port, { path: `/api/${i}` }));
      await sleep(100);
      assert.equal(la.inFlight, 3);
      const on = la.maintenanceOn({ drainTimeoutMs: 5000 });
      assert503(await request(srv.port, { path: '/api/new' }));
      assert503(await request(srv.port, { path: '/ready' }));
      assert.equal((await request(srv.port, { path: '/health' })).status, 200);
      for (const res of await Promise.all(inFlight)) assert.equal(res.status, 200);
      assert.equal((await on).drained, true);
      assert.ok(!seen.includes('/api/new'), 'refused requests never reach the app');

      await la.maintenanceOff();
      assert.equal((await request(srv.port, { path: '/api/back' })).body, 'api /api/back');
    } finally {
      await srv.close();
      await la.close();
    }
  });

  test('uses req.originalUrl (Express sub-routers rewrite req.url)', async () => {
    const la = quietAgent();
    const mountedAtProbe = (req, res, next) => {
      req.originalUrl = req.url;
      req.url = '/'; // what a router mounted at /ready would do
      next();
    };
    const srv = await startServer(chain(mountedAtProbe, la.middleware(), (req, res) => res.end('app')));
    try {
      assert.equal((await request(srv.port, { path: '/ready' })).json.status, 'ready');
    } finally {
      await srv.close();
      await la.close();
    }
  });
});
