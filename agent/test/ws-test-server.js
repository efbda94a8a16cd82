'use strict';

// A scriptable WebSocket test server (not a test file itself). It checks
// what clients send (the parser insists on masked frames) and lets tests send
// any frame a server may send.

const http = require('node:http');
const { FrameParser, encodeFrame, acceptKey } = require('../lib/websocket');

/**
 * Starts the server on 127.0.0.1:0. `nextConnection()` resolves the next
 * upgraded connection as { req, socket, send(frameBuffer), waitFrame() };
 * waitFrame() resolves the next frame received (already unmasked).
 * `onRequest` answers plain HTTP requests (default: 404).
 */
function startWsServer({ badAccept = false, onRequest } = {}) {
  const server = http.createServer(onRequest || ((req, res) => res.writeHead(404).end()));
  const connections = [];
  const waiters = [];
  server.on('upgrade', (req, socket) => {
    const key = req.headers['sec-websocket-key'];
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\n' +
        'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${badAccept ? acceptKey('wrong') : acceptKey(key)}\r\n\r\n`,
    );
    const parser = new FrameParser({ requireMasked: true });
    const conn = {
      req,
      socket,
      frames: [],
      frameWaiters: [],
      send: (buf) => socket.write(buf),
      waitFrame() {
        if (this.frames.length) return Promise.resolve(this.frames.shift());
        return new Promise((resolve) => this.frameWaiters.push(resolve));
      },
    };
    socket.on('data', (chunk) => {
      let frames;
      try {
        frames = parser.push(chunk);
      } catch (err) {
        conn.parseError = err;
        socket.destroy();
        return;
      }
      for (const f of frames) {
        if (conn.frameWaiters.length) conn.frameWaiters.shift()(f);
        else conn.frames.push(f);
      }
    });
    socket.on('error', () => {});
    // http.Server sockets allow half-open connections: finish ours when the
    // client is gone, or server.close() would wait forever.
    socket.on('end', () => socket.end());
    if (waiters.length) waiters.shift()(conn);
    else connections.push(conn);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: server.address().port,
        url: `ws://127.0.0.1:${server.address().port}/devtools/page/abc`,
        nextConnection: () => new Promise((r) => (connections.length ? r(connections.shift()) : waiters.push(r))),
        close: () => new Promise((r) => {
          server.close(() => r());
          server.closeAllConnections();
        }),
      });
    });
  });
}

/** An unmasked frame, as a server sends it. */
const serverFrame = (opcode, payload, fin = true) => encodeFrame(opcode, Buffer.from(payload), { fin, mask: false });

module.exports = { startWsServer, serverFrame };
