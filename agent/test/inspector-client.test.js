'use strict';

// The CDP side of the inspector path against a fake inspector, to exercise
// what a real one rarely does: fragmented messages, pings mid-stream, a
// connection dropped mid-snapshot, an error response.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { OPCODES } = require('../lib/websocket');
const { connectToPid, streamHeapSnapshot, listTargets, pidFromTitle } = require('../lib/inspector-client');
const { startWsServer, serverFrame } = require('./ws-test-server');
const { makeTmpDir } = require('./helpers');

const FAKE_PID = 4242;

/**
 * A fake Node inspector. `behaviour` decides what takeHeapSnapshot does:
 * 'ok' | 'drop' (close the TCP connection mid-stream) | 'error'.
 */
async function startFakeInspector(state) {
  let srv;
  const onRequest = (req, res) => {
    if (req.url !== '/json/list') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify([
        { type: 'node', title: 'node[999]', webSocketDebuggerUrl: `ws://127.0.0.1:${srv.port}/other` },
        { type: 'node', title: '/app/server.js', webSocketDebuggerUrl: `ws://localhost:${srv.port}/target-uuid` },
      ]),
    );
  };
  srv = await startWsServer({ onRequest });
  srv.serve = async () => {
    const conn = await srv.nextConnection();
    state.paths.push(conn.req.url);
    const reply = (obj) => conn.send(serverFrame(OPCODES.TEXT, JSON.stringify(obj)));
    for (;;) {
      const frame = await conn.waitFrame();
      if (frame.opcode === OPCODES.PONG) {
        state.pongs.push(frame.payload.toString());
        continue;
      }
      if (frame.opcode === OPCODES.CLOSE) {
        conn.send(serverFrame(OPCODES.CLOSE, frame.payload.subarray(0, 2)));
        conn.socket.end();
        return;
      }
      const msg = JSON.parse(frame.payload.toString());
      state.methods.push(msg.method);
      if (msg.method === 'Runtime.evaluate') {
        reply({ id: msg.id, result: { result: { type: 'number', value: FAKE_PID } } });
      } else if (msg.method === 'HeapProfiler.enable') {
        reply({ id: msg.id, result: {} });
      } else if (msg.method === 'HeapProfiler.takeHeapSnapshot') {
        assert.deepEqual(msg.params, { reportProgress: false });
        if (state.behaviour === 'error') {
          reply({ id: msg.id, error: { code: -32000, message: 'out of memory' } });
          continue;
        }
        for (const [i, chunk] of state.chunks.entries()) {
          const text = JSON.stringify({ method: 'HeapProfiler.addHeapSnapshotChunk', params: { chunk } });
          if (i % 2 === 1) {
            // Fragment the message in three, with a ping in the middle.
            const a = Math.floor(text.length / 3);
            conn.send(serverFrame(OPCODES.TEXT, text.slice(0, a), false));
            conn.send(serverFrame(OPCODES.PING, `ping-${i}`));
            conn.send(serverFrame(OPCODES.CONTINUATION, text.slice(a, 2 * a), false));
            conn.send(serverFrame(OPCODES.CONTINUATION, text.slice(2 * a), true));
          } else {
            reply({ method: 'HeapProfiler.addHeapSnapshotChunk', params: { chunk } });
          }
          if (state.behaviour === 'drop' && i === 2) {
            conn.socket.destroy();
            return;
          }
        }
        reply({ id: msg.id, result: {} });
      } else {
        reply({ id: msg.id, error: { message: `unknown method ${msg.method}` } });
      }
    }
  };
  return srv;
}

describe('inspector client against a fake inspector', () => {
  let tmp;
  before(() => {
    tmp = makeTmpDir();
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const newState = (behaviour) => ({
    behaviour,
    chunks: ['{"snapshot":{"meta":{}},', '"nodes":[1,2,3],', '"strings":["é€", "x"]', ',"edges":[]', '}'],
    methods: [],
    pongs: [],
    paths: [],
  });

  test('finds the target by pid and streams fragmented chunks to the file', async () => {
    const state = newState('ok');
    const srv = await startFakeInspector(state);
    try {
      const serving = srv.serve();
      const targets = await listTargets(srv.port);
      const { session, target } = await connectToPid(targets, FAKE_PID, srv.port);
      assert.equal(target.title, '/app/server.js');
      assert.deepEqual(state.paths, ['/target-uuid'], 'node[999] names another pid: never connected');
      const file = path.join(tmp, 'ok', 'fake.heapsnapshot');
      const result = await streamHeapSnapshot(session, file);
      await session.close();
      await serving;
      const content = fs.readFileSync(file, 'utf8');
      assert.equal(content, state.chunks.join(''));
      assert.deepEqual(JSON.parse(content).strings, ['é€', 'x']);
      assert.equal(result.bytes, Buffer.byteLength(content));
      assert.equal(result.chunks, state.chunks.length);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.ok(!fs.existsSync(`${file}.partial`));
      assert.deepEqual(state.methods, ['Runtime.evaluate', 'HeapProfiler.enable', 'HeapProfiler.takeHeapSnapshot']);
      assert.deepEqual(state.pongs, ['ping-1', 'ping-3'], 'pings answered mid-message');
    } finally {
      await srv.close();
    }
  });

  test('a connection dropped mid-snapshot fails and deletes the partial file', async () => {
    const state = newState('drop');
    const srv = await startFakeInspector(state);
    try {
      const serving = srv.serve();
      const { session } = await connectToPid(await listTargets(srv.port), FAKE_PID, srv.port);
      const file = path.join(tmp, 'drop', 'fake.heapsnapshot');
      await assert.rejects(streamHeapSnapshot(session, file), /connection closed/);
      await serving;
      assert.ok(!fs.existsSync(file));
      assert.ok(!fs.existsSync(`${file}.partial`));
    } finally {
      await srv.close();
    }
  });

  test('an error response fails and deletes the partial file', async () => {
    const state = newState('error');
    const srv = await startFakeInspector(state);
    try {
      const serving = srv.serve();
      const { session } = await connectToPid(await listTargets(srv.port), FAKE_PID, srv.port);
      const file = path.join(tmp, 'error', 'fake.heapsnapshot');
      await assert.rejects(streamHeapSnapshot(session, file), /takeHeapSnapshot failed: out of memory/);
      await session.close();
      await serving;
      assert.ok(!fs.existsSync(file));
      assert.ok(!fs.existsSync(`${file}.partial`));
    } finally {
      await srv.close();
    }
  });

  test('no target of the wanted pid -> environment error (exit code 3)', async () => {
    const state = newState('ok');
    const srv = await startFakeInspector(state);
    try {
      const serving = srv.serve();
      await assert.rejects(connectToPid(await listTargets(srv.port), 1234, srv.port), (err) => {
        assert.equal(err.exitCode, 3);
        assert.match(err.message, /does not belong to pid 1234/);
        assert.match(err.message, /is pid 4242/);
        return true;
      });
      await serving;
    } finally {
      await srv.close();
    }
  });

  test('pidFromTitle', () => {
    assert.equal(pidFromTitle('node[123]'), 123);
    assert.equal(pidFromTitle('my-service[7]'), 7);
    assert.equal(pidFromTitle('/app/server.js'), null);
    assert.equal(pidFromTitle(undefined), null);
  });
});
