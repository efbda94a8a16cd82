'use strict';

// The RFC 6455 client against a hand-written test server that checks what
// the client sends (masking, fragmentation, close codes) and sends what a
// server may send (fragments with interleaved pings, 16/64-bit lengths, close).

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { once } = require('node:events');
const { WebSocketClient, encodeFrame, OPCODES } = require('../lib/websocket');
const { startWsServer, serverFrame } = require('./ws-test-server');

describe('WebSocket client', () => {
  let srv;
  before(async () => {
    srv = await startWsServer();
  });
  after(() => srv.close());

  async function connectPair() {
    const [ws, conn] = await Promise.all([WebSocketClient.connect(srv.url), srv.nextConnection()]);
    return { ws, conn };
  }

  test('handshake sends a proper upgrade request', async () => {
    const { ws, conn } = await connectPair();
    assert.equal(conn.req.url, '/devtools/page/abc');
    assert.equal(conn.req.headers.upgrade, 'websocket');
    assert.equal(conn.req.headers['sec-websocket-version'], '13');
    assert.equal(Buffer.from(conn.req.headers['sec-websocket-key'], 'base64').length, 16);
    ws.terminate();
  });

  test('client frames are masked; text of every length class arrives intact', async () => {
    const { ws, conn } = await connectPair();
    for (const size of [0, 5, 125, 126, 65535, 65536, 200000]) {
      const text = 'é'.repeat(Math.floor(size / 2)) + 'x'.repeat(size % 2);
      ws.send(text);
      const frame = await conn.waitFrame(); // the parser rejects unmasked client frames
      assert.equal(frame.opcode, OPCODES.TEXT);
      assert.equal(frame.fin, true);
      assert.equal(frame.payload.toString('utf8'), text);
    }
    ws.terminate();
  });

  test('client can fragment a message into continuation frames', async () => {
    const { ws, conn } = await connectPair();
    ws.send('abcdefghij', { fragmentSize: 4 });
    const frames = [await conn.waitFrame(), await conn.waitFrame(), await conn.waitFrame()];
    assert.deepEqual(
      frames.map((f) => [f.opcode, f.fin, f.payload.toString()]),
      [
        [OPCODES.TEXT, false, 'abcd'],
        [OPCODES.CONTINUATION, false, 'efgh'],
        [OPCODES.CONTINUATION, true, 'ij'],
      ],
    );
    ws.terminate();
  });

  test('receives 7-, 16- and 64-bit length frames and binary messages', async () => {
    const { ws, conn } = await connectPair();
    const got = [];
    ws.on('message', (data, isBinary) => got.push({ data, isBinary }));
    const sizes = [10, 300, 70000];
    for (const n of sizes) conn.send(serverFrame(OPCODES.TEXT, 'z'.repeat(n)));
    conn.send(serverFrame(OPCODES.BINARY, Buffer.from([1, 2, 3])));
    while (got.length < 4) await once(ws, 'message');
    assert.deepEqual(got.slice(0, 3).map((m) => [m.data.length, m.isBinary]), sizes.map((n) => [n, false]));
    assert.equal(got[3].isBinary, true);
    assert.deepEqual([...got[3].data], [1, 2, 3]);
    ws.terminate();
  });

  test('reassembles fragmented messages, answers pings in between, handles split UTF-8 and one-byte TCP reads', async () => {
    const { ws, conn } = await connectPair();
    const messages = [];
    ws.on('message', (data) => messages.push(data));
    const euro = Buffer.from('€', 'utf8'); // 3 bytes, split across fragments
    const frames = Buffer.concat([
      serverFrame(OPCODES.TEXT, Buffer.concat([Buffer.from('price: '), euro.subarray(0, 1)]), false),
      serverFrame(OPCODES.PING, 'are-you-there'),
      serverFrame(OPCODES.CONTINUATION, euro.subarray(1), false),
      serverFrame(OPCODES.CONTINUATION, '42', true),
    ]);
    // Dribble it byte by byte to exercise the incremental parser.
    for (const byte of frames) {
      conn.socket.write(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    const pong = await conn.waitFrame();
    assert.equal(pong.opcode, OPCODES.PONG);
    assert.equal(pong.payload.toString(), 'are-you-there');
    while (messages.length < 1) await once(ws, 'message');
    assert.deepEqual(messages, ['price: €42']);
    ws.terminate();
  });

  test('client-initiated close handshake', async () => {
    const { ws, conn } = await connectPair();
    const closed = ws.close(1000, 'bye');
    const frame = await conn.waitFrame();
    assert.equal(frame.opcode, OPCODES.CLOSE);
    assert.equal(frame.payload.readUInt16BE(0), 1000);
    assert.equal(frame.payload.subarray(2).toString(), 'bye');
    // Server echoes and closes TCP, as RFC 6455 says it should.
    conn.send(serverFrame(OPCODES.CLOSE, frame.payload.subarray(0, 2)));
    conn.socket.end();
    await closed;
    assert.equal(ws.readyState, 'closed');
  });

  test('server-initiated close is echoed and reported', async () => {
    const { ws, conn } = await connectPair();
    const payload = Buffer.alloc(2 + 6);
    payload.writeUInt16BE(1001, 0);
    payload.write('going!', 2);
    const closeEvent = once(ws, 'close');
    conn.send(serverFrame(OPCODES.CLOSE, payload));
    const echo = await conn.waitFrame();
    assert.equal(echo.opcode, OPCODES.CLOSE);
    assert.equal(echo.payload.readUInt16BE(0), 1001);
    conn.socket.end();
    const [code, reason] = await closeEvent;
    assert.equal(code, 1001);
    assert.equal(reason, 'going!');
  });

  test('protocol errors: masked server frame, orphan continuation, bad UTF-8', async () => {
    const cases = [
      [encodeFrame(OPCODES.TEXT, Buffer.from('hi'), { mask: true }), /must not be masked/, 1002],
      [serverFrame(OPCODES.CONTINUATION, 'x'), /continuation/, 1002],
      [serverFrame(OPCODES.TEXT, Buffer.from([0xff, 0xfe])), /UTF-8/, 1007],
      [serverFrame(0x3, 'x'), /opcode/, 1002],
    ];
    for (const [bytes, pattern, closeCode] of cases) {
      const { ws, conn } = await connectPair();
      const errored = once(ws, 'error');
      conn.send(bytes);
      const [err] = await errored;
      assert.match(err.message, pattern);
      const frame = await conn.waitFrame();
      assert.equal(frame.opcode, OPCODES.CLOSE);
      assert.equal(frame.payload.readUInt16BE(0), closeCode);
      ws.terminate();
    }
  });

  test('send after close throws; messages too large are refused', async () => {
    const { ws, conn } = await connectPair();
    ws.maxMessageBytes = 10;
    ws._parser.maxPayloadBytes = 10;
    const errored = once(ws, 'error');
    conn.send(serverFrame(OPCODES.TEXT, 'x'.repeat(11)));
    const [err] = await errored;
    assert.match(err.message, /too large/);
    ws.terminate();
    await once(ws, 'close');
    assert.throws(() => ws.send('late'), /not open/);
  });
});

test('connect rejects a bad Sec-WebSocket-Accept, non-101 answers, bad URLs', async () => {
  const bad = await startWsServer({ badAccept: true });
  try {
    await assert.rejects(WebSocketClient.connect(bad.url), /Sec-WebSocket-Accept/);
  } finally {
    await bad.close();
  }
  const plain = http.createServer((req, res) => res.writeHead(404).end('no'));
  await new Promise((r) => plain.listen(0, '127.0.0.1', r));
  try {
    await assert.rejects(WebSocketClient.connect(`ws://127.0.0.1:${plain.address().port}/`), /HTTP 404/);
  } finally {
    plain.close();
  }
  await assert.rejects(WebSocketClient.connect('wss://127.0.0.1:1/'), /only ws:/);
  await assert.rejects(WebSocketClient.connect('not a url'), /invalid/);
});
