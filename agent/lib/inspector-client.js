'use strict';

// Talks to a Node.js process's V8 inspector (Chrome DevTools Protocol over
// WebSocket) to stream a heap snapshot to a file. Used by
// `leak-detector-agent internal-snapshot` when the target has no agent.
//
// The snapshot is never held in memory: every
// HeapProfiler.addHeapSnapshotChunk is written to "<file>.partial" as it
// arrives, and reading from the socket pauses while the file lags behind.

const http = require('node:http');
const fs = require('node:fs');
const { EventEmitter } = require('node:events');
const { WebSocketClient } = require('./websocket');
const snapshot = require('./snapshot');
const { environmentError, CliError, abortError } = require('./errors');

const LOOPBACK_HOST = '127.0.0.1';

/** GET /json/list once. Resolves the target array; rejects on any error. */
function listTargets(port, { timeoutMs = 2000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: LOOPBACK_HOST, port, path: '/json/list', agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        if (res.statusCode !== 200) {
          reject(new Error(`GET /json/list answered HTTP ${res.statusCode}`));
          return;
        }
        try {
          const targets = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (!Array.isArray(targets)) throw new Error('not an array');
          resolve(targets);
        } catch (err) {
          reject(new Error(`GET /json/list did not return a target list: ${err.message}`));
        }
      });
    });
    const timer = setTimeout(() => {
      const err = new Error(`GET /json/list timed out after ${timeoutMs} ms`);
      err.code = 'ETIMEDOUT';
      req.destroy(err);
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * Polls /json/list until the inspector answers or timeoutMs elapses (the
 * inspector needs a moment to start listening after SIGUSR1).
 */
async function waitForTargets(port, { timeoutMs = 5000, intervalMs = 100, signal } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    throwIfAborted(signal);
    try {
      return await listTargets(port, { timeoutMs: Math.max(200, Math.min(2000, deadline - Date.now())) });
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      throw environmentError(
        `inspector unreachable on ${LOOPBACK_HOST}:${port} after ${timeoutMs} ms (${lastError.code || lastError.message}); ` +
          'if the app was started with another --inspect-port, pass --inspect-port',
      );
    }
    await sleep(intervalMs, signal);
  }
}

/**
 * The pid a target title names, or null. Node titles a target "node[<pid>]"
 * when there is no main script (REPL, -e), but uses the main script's path
 * otherwise (e.g. "/app/server.js"), so a title alone often can not tell.
 */
function pidFromTitle(title) {
  const match = /\[(\d+)\]$/.exec(String(title || ''));
  return match ? Number(match[1]) : null;
}

/** A minimal Chrome DevTools Protocol session over a WebSocketClient. */
class CdpSession extends EventEmitter {
  constructor(ws) {
    super();
    this.ws = ws;
    this._nextId = 1;
    this._pending = new Map();
    this._closedError = null;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let msg;
      try {
        msg = JSON.parse(data);
      } catch {
        return; // not CDP; ignore
      }
      if (msg.id !== undefined) {
        const pending = this._pending.get(msg.id);
        if (!pending) return;
        this._pending.delete(msg.id);
        if (msg.error) pending.reject(new Error(`${pending.method} failed: ${msg.error.message || JSON.stringify(msg.error)}`));
        else pending.resolve(msg.result || {});
      } else if (msg.method) {
        this.emit(msg.method, msg.params || {});
      }
    });
    ws.on('error', (err) => this._failAll(err));
    ws.on('close', (code) => this._failAll(new Error(`inspector connection closed (code ${code})`)));
  }

  static async connect(url, options) {
    return new CdpSession(await WebSocketClient.connect(url, options));
  }

  /** Sends a command; resolves with its result when the response with our id arrives. */
  send(method, params = {}) {
    if (this._closedError) return Promise.reject(this._closedError);
    const id = this._nextId++;
    return new Promise((resolve, reject) => {
      this._pending.set(id, { method, resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close() {
    return this.ws.close(1000, 'done');
  }

  terminate() {
    this.ws.terminate();
  }

  _failAll(err) {
    if (!this._closedError) this._closedError = err;
    for (const pending of this._pending.values()) pending.reject(err);
    this._pending.clear();
  }
}

/**
 * Finds the inspector target that belongs to `pid` and returns an open
 * CdpSession to it. Targets whose title names another pid are skipped;
 * otherwise the pid is asked for over the session (Runtime.evaluate
 * "process.pid"), which is authoritative.
 */
async function connectToPid(targets, pid, port) {
  const candidates = targets.filter((t) => t && t.type === 'node' && typeof t.webSocketDebuggerUrl === 'string');
  const named = candidates.filter((t) => pidFromTitle(t.title) === pid);
  const unnamed = candidates.filter((t) => pidFromTitle(t.title) === null);
  const seen = [];
  for (const target of [...named, ...unnamed]) {
    // Always dial loopback ourselves rather than trusting the host in the URL.
    const wsPath = new URL(target.webSocketDebuggerUrl).pathname;
    let session;
    try {
      session = await CdpSession.connect(`ws://${LOOPBACK_HOST}:${port}${wsPath}`, { timeoutMs: 5000 });
    } catch (err) {
      throw environmentError(`cannot open the inspector WebSocket on ${LOOPBACK_HOST}:${port}: ${err.message}`);
    }
    try {
      const { result } = await withTimeout(
        session.send('Runtime.evaluate', { expression: 'process.pid', returnByValue: true }),
        5000,
        'Runtime.evaluate(process.pid)',
      );
      if (result && result.value === pid) return { session, target };
      seen.push(`${JSON.stringify(target.title)} is pid ${result && result.value}`);
    } catch (err) {
      seen.push(`${JSON.stringify(target.title)}: ${err.message}`);
    }
    await session.close().catch(() => {});
  }
  const others = candidates
    .filter((t) => pidFromTitle(t.title) !== null && pidFromTitle(t.title) !== pid)
    .map((t) => `${JSON.stringify(t.title)}`);
  throw environmentError(
    `the inspector on ${LOOPBACK_HOST}:${port} does not belong to pid ${pid}` +
      (seen.length || others.length ? ` (${[...seen, ...others].join('; ')})` : ' (no Node.js target listed)') +
      '; start the app with its own --inspect-port and pass that port with --inspect-port',
  );
}

/**
 * Streams a heap snapshot from an open session to `file` (via
 * "<file>.partial", 0600, renamed at the end; removed on failure).
 * Resolves { file, bytes, durationMs, chunks }.
 */
async function streamHeapSnapshot(session, file, { timeoutMs = 10 * 60 * 1000, signal } = {}) {
  const target = snapshot.validateSnapshotPath(file);
  const started = process.hrtime.bigint();
  const { partial, fd } = snapshot.createPartialFile(target);
  const out = fs.createWriteStream(null, { fd, autoClose: true });
  let chunks = 0;
  let paused = false;
  let writeError = null;

  const onChunk = ({ chunk }) => {
    if (writeError || typeof chunk !== 'string') return;
    chunks++;
    if (!out.write(chunk) && !paused) {
      // Back-pressure: stop reading the socket until the disk caught up.
      paused = true;
      session.ws.pause();
      out.once('drain', () => {
        paused = false;
        session.ws.resume();
      });
    }
  };
  const failed = new Promise((_, reject) => {
    out.on('error', (err) => {
      writeError = err;
      reject(new CliError(`cannot write ${partial}: ${err.message}`));
    });
  });
  failed.catch(() => {}); // observed through Promise.race below

  session.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const onAbort = () => session.terminate();
  if (signal) signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([
      (async () => {
        await session.send('HeapProfiler.enable');
        // The response arrives after the last chunk: then the file is complete.
        await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      })(),
      failed,
      rejectAfter(timeoutMs, `heap snapshot did not complete within ${timeoutMs} ms`),
    ]);
    throwIfAborted(signal);
    await new Promise((resolve, reject) => {
      out.once('error', reject);
      out.end(() => resolve());
    });
    await new Promise((resolve) => (out.closed ? resolve() : out.once('close', resolve)));
    if (chunks === 0) throw new CliError('the inspector sent no snapshot data');
    const bytes = snapshot.commitPartialFile(partial, target);
    return { file: target, bytes, durationMs: snapshot.elapsedMs(started), chunks };
  } catch (err) {
    out.destroy();
    snapshot.unlinkQuietly(partial);
    if (signal && signal.aborted) throw abortError();
    throw err;
  } finally {
    session.removeListener('HeapProfiler.addHeapSnapshotChunk', onChunk);
    // A 'drain' may never come once the stream ended; never leave the socket
    // paused, or the close handshake could not be read.
    if (paused) session.ws.resume();
    if (signal) signal.removeEventListener('abort', onAbort);
  }
}

function withTimeout(promise, ms, what) {
  return Promise.race([promise, rejectAfter(ms, `${what} timed out after ${ms} ms`)]);
}

function rejectAfter(ms, message) {
  return new Promise((_, reject) => {
    setTimeout(() => reject(new CliError(message)), ms).unref();
  });
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) {
      reject(abortError());
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      if (signal) signal.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(abortError());
    }
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
  });
}

function throwIfAborted(signal) {
  if (signal && signal.aborted) throw abortError();
}

module.exports = {
  listTargets,
  waitForTargets,
  pidFromTitle,
  connectToPid,
  streamHeapSnapshot,
  CdpSession,
  sleep,
  throwIfAborted,
};
