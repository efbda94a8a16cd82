'use strict';

// Shared helpers for the tests (not a test file itself: npm test only runs
// test/*.test.js).

const http = require('node:http');
const net = require('node:net');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const AGENT_DIR = path.resolve(__dirname, '..');
const CLI = path.join(AGENT_DIR, 'bin', 'leak-detector-agent.js');
const FIXTURES = path.join(__dirname, 'fixtures');

/** A port that was free a moment ago on 127.0.0.1. */
function getFreePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * One HTTP request to 127.0.0.1. Resolves { status, headers, body, json }.
 * options: method, path, headers, body (string|object), agent, host
 */
function request(port, { method = 'GET', path: p = '/', headers = {}, body, agent = false, host = '127.0.0.1', timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    let payload = body;
    const h = { ...headers };
    if (payload !== undefined && typeof payload !== 'string') {
      payload = JSON.stringify(payload);
      h['Content-Type'] = h['Content-Type'] || 'application/json';
    }
    if (payload !== undefined) h['Content-Length'] = Buffer.byteLength(payload);
    const req = http.request({ host, port, method, path: p, headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, body: text, json });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`request ${method} ${p} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Starts an http server on 127.0.0.1:0; resolves { server, port, close }. */
function startServer(listener) {
  return new Promise((resolve) => {
    const server = http.createServer(listener);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        server,
        port,
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function makeTmpDir(prefix = 'lda-test-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns truthy or the timeout elapses. */
async function waitFor(fn, { timeoutMs = 5000, intervalMs = 20, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/**
 * Spawns `node [execArgv] fixtures/<name>` and resolves once it printed
 * "READY <port>". Returns { child, port, stdoutLines, stderr(), kill() }.
 */
function spawnFixture(name, { execArgv = [], env = {} } = {}) {
  const child = spawn(process.execPath, [...execArgv, path.join(FIXTURES, name)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdoutLines = [];
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fixture ${name} did not start: ${stderr}`));
    }, 10000);
    child.stdout.on('data', (c) => {
      buffered += c;
      let nl;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        stdoutLines.push(line);
        const m = /^READY (\d+)$/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve({
            child,
            port: Number(m[1]),
            stdoutLines,
            stderr: () => stderr,
            kill: () => killAndWait(child),
          });
        }
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fixture ${name} exited early with ${code}: ${stderr}`));
    });
  });
}

function killAndWait(child, signal = 'SIGKILL') {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Runs the CLI; resolves { code, stdout, stderr }. */
function runCli(args, { env = {}, timeoutMs = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI ${args.join(' ')} timed out; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a full GC via the package's own helper (no --expose-gc needed). */
function fullGc() {
  require('../lib/snapshot').runFullGc();
}

/** Parses a .heapsnapshot and checks its basic shape; returns it. */
function readHeapSnapshot(file) {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!snap.snapshot || !snap.snapshot.meta || !Array.isArray(snap.nodes) || !Array.isArray(snap.strings)) {
    throw new Error(`${file} is not a V8 heap snapshot`);
  }
  if (snap.nodes.length !== snap.snapshot.node_count * snap.snapshot.meta.node_fields.length) {
    throw new Error(`${file}: node array length does not match node_count`);
  }
  return snap;
}

module.exports = {
  AGENT_DIR,
  CLI,
  FIXTURES,
  getFreePort,
  request,
  startServer,
  makeTmpDir,
  sleep,
  waitFor,
  spawnFixture,
  killAndWait,
  runCli,
  fullGc,
  readHeapSnapshot,
};
