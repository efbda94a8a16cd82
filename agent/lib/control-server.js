'use strict';

// The control channel: plain HTTP/1.1 + JSON on 127.0.0.1 only.
//
//   GET  /status       -> pid, maintenance, in-flight count, memory, ...
//   POST /maintenance  {"enabled": bool, "drainTimeoutMs"?: n}
//   POST /snapshot     {"file"?: "/abs/path.heapsnapshot"}
//   POST /gc
//
// Why HTTP and not a WebSocket: every request is a single question with a
// single answer, so framing buys nothing; HTTP is curl-able, trivial from
// Java's HttpClient, and works from `kubectl exec`/`docker exec` with busybox
// wget in images that have nothing else.
//
// Security: the listener is bound to 127.0.0.1, never to a routable address.
// Loopback alone does not stop a *browser* on the same host from being used
// against it (CSRF / DNS rebinding), so requests carrying browser-only headers
// (Origin, Sec-Fetch-*) or a Host that is not a loopback name are refused.
// An optional shared token (Authorization: Bearer ...) adds authentication
// for hosts where other local users or sidecars share the network namespace.

const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { SnapshotPathError } = require('./snapshot');

const LOOPBACK_HOST = '127.0.0.1';
const MAX_BODY_BYTES = 64 * 1024;
const MAX_DRAIN_TIMEOUT_MS = 10 * 60 * 1000;
const ALLOWED_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

class HttpError extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/**
 * Starts the control server for an agent.
 *
 * @param {object} agent a LeakDetectorAgent (status(), maintenanceOn/Off(), writeHeapSnapshot(), gc())
 * @param {object} options { port, token, logger }
 * @returns {{ server: http.Server, listening: Promise<{address:string,port:number}|null>, close(): Promise<void> }}
 */
function startControlServer(agent, { port, token = null, logger }) {
  const routes = {
    '/status': { GET: () => agent.status() },
    '/maintenance': { POST: (body) => handleMaintenance(agent, body) },
    '/snapshot': { POST: (body) => handleSnapshot(agent, body) },
    '/gc': { POST: () => agent.gc() },
  };
  const tokenDigest = token ? sha256(token) : null;

  const server = http.createServer((req, res) => {
    handleRequest(req, res, routes, tokenDigest).catch((err) => {
      logger.warn(`control channel: ${req.method} ${req.url} failed: ${err.stack || err}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  // The control channel must never keep the application alive on its own.
  server.unref();

  const listening = new Promise((resolve) => {
    const onError = (err) => {
      // e.g. EADDRINUSE when several workers of a cluster start an agent: the
      // application itself must keep running, just without a control channel.
      logger.warn(`control channel disabled: cannot listen on ${LOOPBACK_HOST}:${port}: ${err.message}`);
      resolve(null);
    };
    server.once('error', onError);
    server.listen({ port, host: LOOPBACK_HOST }, () => {
      server.removeListener('error', onError);
      server.on('error', (err) => logger.warn(`control channel error: ${err.message}`));
      const address = server.address();
      logger.info(`control channel listening on http://${address.address}:${address.port}`);
      resolve({ address: address.address, port: address.port });
    });
  });

  const close = () =>
    new Promise((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
      if (typeof server.closeAllConnections === 'function') server.closeAllConnections();
    });

  return { server, listening, close };
}

async function handleRequest(req, res, routes, tokenDigest) {
  try {
    checkBrowserHeaders(req);
    checkHost(req);
    checkToken(req, tokenDigest);
    const pathname = new URL(req.url, 'http://localhost').pathname;
    const route = routes[pathname];
    if (!route) throw new HttpError(404, `unknown endpoint ${pathname}`);
    const handler = route[req.method];
    if (!handler) {
      throw new HttpError(405, `method ${req.method} not allowed on ${pathname}`, {
        Allow: Object.keys(route).join(', '),
      });
    }
    const body = req.method === 'POST' ? await readJsonBody(req) : {};
    const result = await handler(body);
    sendJson(res, 200, result);
  } catch (err) {
    if (err instanceof HttpError) {
      sendJson(res, err.status, { error: err.message }, err.headers);
      return;
    }
    throw err;
  }
}

function checkBrowserHeaders(req) {
  if (req.headers.origin !== undefined || req.headers['sec-fetch-site'] !== undefined || req.headers['sec-fetch-mode'] !== undefined) {
    throw new HttpError(403, 'requests from browsers are not accepted');
  }
}

function checkHost(req) {
  const host = req.headers.host;
  if (host === undefined) return; // HTTP/1.0 clients; browsers always send Host
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  if (!ALLOWED_HOSTNAMES.has(hostname)) {
    throw new HttpError(403, `Host ${JSON.stringify(host)} is not a loopback name`);
  }
}

function checkToken(req, tokenDigest) {
  if (!tokenDigest) return;
  const header = req.headers.authorization || '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  // Compare digests so the comparison is constant-time whatever the lengths.
  if (!match || !crypto.timingSafeEqual(sha256(match[1].trim()), tokenDigest)) {
    throw new HttpError(401, 'missing or invalid token', { 'WWW-Authenticate': 'Bearer' });
  }
}

async function handleMaintenance(agent, body) {
  if (typeof body.enabled !== 'boolean') {
    throw new HttpError(400, '"enabled" must be true or false');
  }
  let drainTimeoutMs;
  if (body.drainTimeoutMs !== undefined) {
    const n = body.drainTimeoutMs;
    if (!Number.isInteger(n) || n < 0 || n > MAX_DRAIN_TIMEOUT_MS) {
      throw new HttpError(400, `"drainTimeoutMs" must be an integer between 0 and ${MAX_DRAIN_TIMEOUT_MS}`);
    }
    drainTimeoutMs = n;
  }
  if (body.enabled) return agent.maintenanceOn({ drainTimeoutMs, source: 'control' });
  return agent.maintenanceOff();
}

function handleSnapshot(agent, body) {
  const file =
    body.file === undefined
      ? path.join(os.tmpdir(), `heap-${process.pid}-${Date.now()}.heapsnapshot`)
      : body.file;
  try {
    return agent.writeHeapSnapshot(file);
  } catch (err) {
    if (err instanceof SnapshotPathError) throw new HttpError(400, err.message);
    throw new HttpError(500, `snapshot failed: ${err.message}`);
  }
}

function readJsonBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk) => {
      if (failed) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(new HttpError(413, `request body larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') {
        resolve({});
        return;
      }
      let value;
      try {
        value = JSON.parse(text);
      } catch (err) {
        reject(new HttpError(400, `invalid JSON body: ${err.message}`));
        return;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        reject(new HttpError(400, 'JSON body must be an object'));
        return;
      }
      resolve(value);
    });
  });
}

function sendJson(res, status, payload, headers = {}) {
  const body = JSON.stringify(payload, null, 2) + '\n';
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

function sha256(text) {
  return crypto.createHash('sha256').update(String(text)).digest();
}

module.exports = { startControlServer, LOOPBACK_HOST };
