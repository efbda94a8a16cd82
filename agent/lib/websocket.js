'use strict';

// A minimal RFC 6455 WebSocket *client*, written here so the package keeps
// zero dependencies. It is only used to talk to the V8 inspector (Chrome
// DevTools Protocol) from the `internal-snapshot` command, so it implements
// exactly what that needs, and does it properly:
//   - the HTTP/1.1 upgrade handshake with Sec-WebSocket-Key/Accept checking,
//   - client-to-server masking (mandatory for clients, RFC 6455 §5.3),
//   - text and binary frames, 7/16/64-bit payload lengths,
//   - fragmented messages (continuation frames) in both directions,
//   - ping -> pong, pong, and the close handshake.
// No extensions (permessage-deflate) and no wss:// — the inspector speaks
// plain ws:// on loopback.

const http = require('node:http');
const crypto = require('node:crypto');
const { EventEmitter } = require('node:events');

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const OPCODES = Object.freeze({
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
});

// A heap snapshot chunk is small (tens of KB) but we must not be a memory
// bomb if a peer announces a 2^63-byte frame.
const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

class ProtocolError extends Error {
  constructor(message, closeCode = 1002) {
    super(message);
    this.name = 'WebSocketProtocolError';
    this.closeCode = closeCode;
  }
}

/** Sec-WebSocket-Accept value for a given Sec-WebSocket-Key. */
function acceptKey(key) {
  return crypto.createHash('sha1').update(key + GUID).digest('base64');
}

/**
 * Encodes one frame. Clients must mask (mask: true); the option exists so the
 * tests can build server frames with the same code.
 */
function encodeFrame(opcode, payload, { fin = true, mask = true } = {}) {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload || '');
  const len = data.length;
  let lenBytes = 0;
  if (len >= 65536) lenBytes = 8;
  else if (len >= 126) lenBytes = 2;
  const header = Buffer.alloc(2 + lenBytes + (mask ? 4 : 0));
  header[0] = (fin ? 0x80 : 0) | opcode;
  if (lenBytes === 0) header[1] = len;
  else if (lenBytes === 2) {
    header[1] = 126;
    header.writeUInt16BE(len, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  if (!mask) return Buffer.concat([header, data]);

  header[1] |= 0x80;
  const key = crypto.randomBytes(4);
  key.copy(header, 2 + lenBytes);
  const masked = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) masked[i] = data[i] ^ key[i & 3];
  return Buffer.concat([header, masked]);
}

/**
 * Incremental frame decoder. Feed it socket chunks with push(); it returns the
 * complete frames found so far. Incoming bytes are kept as a list of chunks
 * so a large frame split over many TCP reads is assembled once, not
 * re-concatenated on every read.
 */
class FrameParser {
  constructor({ requireMasked = false, maxPayloadBytes = DEFAULT_MAX_MESSAGE_BYTES } = {}) {
    this.requireMasked = requireMasked;
    this.maxPayloadBytes = maxPayloadBytes;
    this._chunks = [];
    this._length = 0;
  }

  push(chunk) {
    if (chunk.length > 0) {
      this._chunks.push(chunk);
      this._length += chunk.length;
    }
    const frames = [];
    let frame;
    while ((frame = this._next()) !== null) frames.push(frame);
    return frames;
  }

  _next() {
    if (this._length < 2) return null;
    const first = this._peek(2);
    const fin = (first[0] & 0x80) !== 0;
    const rsv = first[0] & 0x70;
    const opcode = first[0] & 0x0f;
    const masked = (first[1] & 0x80) !== 0;
    const len7 = first[1] & 0x7f;

    if (rsv !== 0) throw new ProtocolError('reserved bits set but no extension was negotiated');
    if (!isKnownOpcode(opcode)) throw new ProtocolError(`unknown opcode 0x${opcode.toString(16)}`);
    if (opcode >= 0x8 && (!fin || len7 > 125)) {
      throw new ProtocolError('control frames must not be fragmented and carry at most 125 bytes');
    }
    if (masked !== this.requireMasked) {
      throw new ProtocolError(masked ? 'server frames must not be masked' : 'client frames must be masked');
    }

    const lenBytes = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
    const headerLen = 2 + lenBytes + (masked ? 4 : 0);
    if (this._length < headerLen) return null;
    const header = this._peek(headerLen);

    let payloadLen = len7;
    if (lenBytes === 2) payloadLen = header.readUInt16BE(2);
    else if (lenBytes === 8) {
      const big = header.readBigUInt64BE(2);
      if (big > BigInt(this.maxPayloadBytes)) throw new ProtocolError('frame too large', 1009);
      payloadLen = Number(big);
    }
    if (payloadLen > this.maxPayloadBytes) throw new ProtocolError('frame too large', 1009);
    if (this._length < headerLen + payloadLen) return null;

    this._take(headerLen);
    const payload = this._take(payloadLen);
    if (masked) {
      const key = header.subarray(headerLen - 4, headerLen);
      for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
    }
    return { fin, opcode, payload };
  }

  // First n bytes without consuming them (n is at most a 14-byte header).
  _peek(n) {
    const head = this._chunks[0];
    if (head.length >= n) return head.subarray(0, n);
    return Buffer.concat(this._chunks, n);
  }

  // Consumes n bytes; returns a buffer we own (safe to unmask in place).
  _take(n) {
    this._length -= n;
    if (n === 0) return Buffer.alloc(0);
    const head = this._chunks[0];
    if (head.length === n) {
      this._chunks.shift();
      return head;
    }
    if (head.length > n) {
      this._chunks[0] = head.subarray(n);
      return head.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let offset = 0;
    while (offset < n) {
      const chunk = this._chunks[0];
      const count = Math.min(chunk.length, n - offset);
      chunk.copy(out, offset, 0, count);
      offset += count;
      if (count === chunk.length) this._chunks.shift();
      else this._chunks[0] = chunk.subarray(count);
    }
    return out;
  }
}

function isKnownOpcode(op) {
  return op === 0x0 || op === 0x1 || op === 0x2 || op === 0x8 || op === 0x9 || op === 0xa;
}

/**
 * An open client connection. Create it with WebSocketClient.connect(url).
 *
 * Events: 'message' (data: string | Buffer, isBinary: boolean),
 *         'ping' (Buffer), 'pong' (Buffer), 'error' (Error),
 *         'close' (code: number, reason: string) — emitted exactly once.
 */
class WebSocketClient extends EventEmitter {
  constructor(socket, head, { maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES } = {}) {
    super();
    this.socket = socket;
    this.readyState = 'open';
    this.maxMessageBytes = maxMessageBytes;
    this._parser = new FrameParser({ requireMasked: false, maxPayloadBytes: maxMessageBytes });
    this._fragments = null; // { opcode, parts: Buffer[], size } while a fragmented message is arriving
    this._closeSent = false;
    this._closeCode = 1006; // "abnormal closure" unless a close frame tells otherwise
    this._closeReason = '';
    this._decoder = new TextDecoder('utf-8', { fatal: true });

    socket.setNoDelay(true);
    socket.setTimeout(0);
    socket.on('data', (chunk) => this._onData(chunk));
    socket.on('error', (err) => this._fail(err));
    socket.on('close', () => {
      this.readyState = 'closed';
      this.emit('close', this._closeCode, this._closeReason);
    });
    // Bytes that arrived together with the 101 response belong to us.
    if (head && head.length > 0) process.nextTick(() => this._onData(head));
  }

  /**
   * Opens a connection. Options: timeoutMs (handshake), headers, maxMessageBytes.
   * Only ws:// is supported.
   */
  static connect(url, { timeoutMs = 10000, headers = {}, maxMessageBytes } = {}) {
    return new Promise((resolve, reject) => {
      let target;
      try {
        target = new URL(url);
      } catch {
        reject(new Error(`invalid WebSocket URL: ${url}`));
        return;
      }
      if (target.protocol !== 'ws:') {
        reject(new Error(`unsupported WebSocket URL scheme ${target.protocol} (only ws:// is supported)`));
        return;
      }
      const key = crypto.randomBytes(16).toString('base64');
      const req = http.request({
        host: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port || 80,
        path: target.pathname + target.search,
        agent: false,
        headers: {
          ...headers,
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Key': key,
          'Sec-WebSocket-Version': '13',
        },
      });
      const timer = setTimeout(() => {
        req.destroy(new Error(`WebSocket handshake with ${target.host} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (err, ws) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(ws);
      };
      req.on('error', (err) => done(err));
      req.on('response', (res) => {
        res.resume();
        done(new Error(`WebSocket handshake refused: HTTP ${res.statusCode}`));
      });
      req.on('upgrade', (res, socket, head) => {
        const upgrade = String(res.headers.upgrade || '').toLowerCase();
        if (res.statusCode !== 101 || upgrade !== 'websocket') {
          socket.destroy();
          done(new Error(`WebSocket handshake failed: HTTP ${res.statusCode}, Upgrade: ${upgrade}`));
          return;
        }
        if (res.headers['sec-websocket-accept'] !== acceptKey(key)) {
          socket.destroy();
          done(new Error('WebSocket handshake failed: bad Sec-WebSocket-Accept'));
          return;
        }
        done(null, new WebSocketClient(socket, head, { maxMessageBytes }));
      });
      req.end();
    });
  }

  /**
   * Sends a text message (string) or a binary message (Buffer). With
   * fragmentSize, the message is split into a first frame plus continuation
   * frames of at most that many bytes. Returns false when the socket buffer is
   * full (wait for 'drain' on ws.socket), like stream.write().
   */
  send(data, { fragmentSize = 0 } = {}) {
    if (this.readyState !== 'open') throw new Error('WebSocket is not open');
    const isText = typeof data === 'string';
    const payload = isText ? Buffer.from(data, 'utf8') : data;
    const opcode = isText ? OPCODES.TEXT : OPCODES.BINARY;
    if (!fragmentSize || payload.length <= fragmentSize) {
      return this.socket.write(encodeFrame(opcode, payload));
    }
    let ok = true;
    for (let offset = 0; offset < payload.length; offset += fragmentSize) {
      const part = payload.subarray(offset, offset + fragmentSize);
      const fin = offset + fragmentSize >= payload.length;
      ok = this.socket.write(encodeFrame(offset === 0 ? opcode : OPCODES.CONTINUATION, part, { fin }));
    }
    return ok;
  }

  ping(data = Buffer.alloc(0)) {
    if (this.readyState !== 'open') throw new Error('WebSocket is not open');
    this.socket.write(encodeFrame(OPCODES.PING, Buffer.from(data)));
  }

  /**
   * Starts (or answers) the close handshake and resolves once the TCP
   * connection is gone. If the peer does not finish the handshake within
   * timeoutMs, the socket is destroyed.
   */
  close(code = 1000, reason = '', { timeoutMs = 2000 } = {}) {
    return new Promise((resolve) => {
      if (this.readyState === 'closed' || this.socket.destroyed) {
        resolve();
        return;
      }
      this.once('close', () => resolve());
      this._sendClose(code, reason);
      // We must read the peer's close frame even if a consumer paused us.
      this.socket.resume();
      const timer = setTimeout(() => this.socket.destroy(), timeoutMs);
      timer.unref();
      this.socket.once('close', () => clearTimeout(timer));
    });
  }

  /** Drops the connection without a close handshake. */
  terminate() {
    this.socket.destroy();
  }

  // Flow control: stop reading from the socket while a slow consumer (e.g. a
  // file being written) catches up, so memory stays bounded.
  pause() {
    this.socket.pause();
  }

  resume() {
    this.socket.resume();
  }

  _sendClose(code, reason) {
    if (this._closeSent || this.socket.destroyed) return;
    this._closeSent = true;
    this.readyState = 'closing';
    const reasonBytes = Buffer.from(reason || '', 'utf8').subarray(0, 123);
    const payload = Buffer.alloc(2 + reasonBytes.length);
    payload.writeUInt16BE(code, 0);
    reasonBytes.copy(payload, 2);
    this.socket.write(encodeFrame(OPCODES.CLOSE, payload));
  }

  _onData(chunk) {
    let frames;
    try {
      frames = this._parser.push(chunk);
    } catch (err) {
      this._protocolError(err);
      return;
    }
    for (const frame of frames) {
      try {
        this._onFrame(frame);
      } catch (err) {
        this._protocolError(err);
        return;
      }
      if (this.socket.destroyed) return;
    }
  }

  _onFrame({ fin, opcode, payload }) {
    switch (opcode) {
      case OPCODES.PING:
        // RFC 6455 §5.5.2: answer with a pong carrying the same payload.
        if (!this._closeSent) this.socket.write(encodeFrame(OPCODES.PONG, payload));
        this.emit('ping', payload);
        return;
      case OPCODES.PONG:
        this.emit('pong', payload);
        return;
      case OPCODES.CLOSE:
        this._onCloseFrame(payload);
        return;
      case OPCODES.CONTINUATION:
        if (!this._fragments) throw new ProtocolError('continuation frame without a message to continue');
        this._addFragment(payload);
        break;
      default: // TEXT or BINARY
        if (this._fragments) throw new ProtocolError('new data frame while a fragmented message is incomplete');
        this._fragments = { opcode, parts: [], size: 0 };
        this._addFragment(payload);
    }
    if (!fin) return;

    const { opcode: messageOpcode, parts, size } = this._fragments;
    this._fragments = null;
    const data = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    if (messageOpcode === OPCODES.TEXT) {
      let text;
      try {
        text = this._decoder.decode(data);
      } catch {
        throw new ProtocolError('text message is not valid UTF-8', 1007);
      }
      this.emit('message', text, false);
    } else {
      this.emit('message', data, true);
    }
  }

  _addFragment(payload) {
    this._fragments.size += payload.length;
    if (this._fragments.size > this.maxMessageBytes) throw new ProtocolError('message too large', 1009);
    this._fragments.parts.push(payload);
  }

  _onCloseFrame(payload) {
    if (payload.length === 1) throw new ProtocolError('close frame with a 1-byte payload');
    if (payload.length >= 2) {
      this._closeCode = payload.readUInt16BE(0);
      this._closeReason = payload.subarray(2).toString('utf8');
    } else {
      this._closeCode = 1005; // "no status received"
    }
    // Echo the close (if we did not start it), then let the server close TCP;
    // end() our side so the socket does not linger if it does not.
    this._sendClose(payload.length >= 2 ? this._closeCode : 1000, '');
    this.readyState = 'closing';
    this.socket.end();
  }

  _protocolError(err) {
    this._sendClose(err.closeCode || 1002, err.message);
    this._fail(err);
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  _fail(err) {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }
}

module.exports = {
  WebSocketClient,
  FrameParser,
  ProtocolError,
  encodeFrame,
  acceptKey,
  OPCODES,
};
