#!/usr/bin/env node
'use strict';
/*
 * Benchmark input generator: builds a deterministic, service-like heap in this Node process and
 * writes V8 heap snapshots of it with v8.writeHeapSnapshot (same isolate => stable object ids).
 *
 *   node --max-old-space-size=20000 bench/gen/service-heap.js \
 *        --scale small|medium|large|<N units> --out DIR [--baseline] [--seed S]
 *
 * Phases and files:
 *   1. build the steady-state service heap (sessions, users, LRU cache, requests in flight,
 *      tag index, event-bus listeners, pending promises, Buffers, timers' closures ...)
 *   2. --baseline only: write DIR/<scale>-baseline.heapsnapshot, then run one round of normal
 *      traffic (LRU turnover, request churn, garbage) without leaking
 *   3. write DIR/<scale>-before.heapsnapshot
 *   4. grow the KNOWN leak: `leakedRequests` (module-level array of LeakedRequest objects) and one
 *      listener per leaked request on the long-lived `leakBus` EventEmitter ('data' event), while
 *      churning garbage and the bounded LRU cache (so the diff also contains benign new/deleted
 *      objects that must NOT be reported as the leak)
 *   5. write DIR/<scale>-after.heapsnapshot
 *
 * One JSON line per file on stdout: {file, bytes, seconds, nodeCount, edgeCount, ...}.
 * node_count / edge_count are read from the first bytes of the written file (never parsed whole).
 * Progress goes to stderr.
 */

const v8 = require('v8');
const fs = require('fs');
const path = require('path');
const { EventEmitter } = require('events');

// ------------------------------------------------------------------------------------------------
// Arguments
// ------------------------------------------------------------------------------------------------

// Units per named scale, tuned by measurement on Node 20.20.2 to land near the reference files
// (small 19.7 MB / 252,833 nodes, medium 198 MB / 2,578,500 nodes, large 1,033 MB / 13,170,004 nodes).
const SCALES = { small: 3000, medium: 36000, large: 188000 };

function parseArgs(argv) {
  const opts = { scale: null, out: null, baseline: false, seed: 0x5eed1234, leakPercent: 15 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`missing value for ${a}`);
      return argv[++i];
    };
    if (a === '--scale') opts.scale = next();
    else if (a === '--out') opts.out = next();
    else if (a === '--baseline') opts.baseline = true;
    else if (a === '--seed') opts.seed = Number(next()) >>> 0;
    else if (a === '--leak-percent') opts.leakPercent = Number(next());
    else if (a === '-h' || a === '--help') usage(null);
    else usage(`unknown argument ${a}`);
  }
  if (!opts.scale || !opts.out) usage('--scale and --out are required');
  if (Object.prototype.hasOwnProperty.call(SCALES, opts.scale)) {
    opts.units = SCALES[opts.scale];
  } else if (/^[1-9][0-9]*$/.test(opts.scale)) {
    opts.units = Number(opts.scale);
  } else {
    usage(`--scale must be small, medium, large or a positive unit count, got ${opts.scale}`);
  }
  if (!(opts.leakPercent > 0 && opts.leakPercent < 100)) usage('--leak-percent must be in (0,100)');
  return opts;
}

function usage(message) {
  const text =
    'usage: node --max-old-space-size=20000 bench/gen/service-heap.js ' +
    '--scale small|medium|large|<N units> --out DIR [--baseline] [--seed N] [--leak-percent P]\n' +
    `  named scales (units): ${JSON.stringify(SCALES)}\n`;
  if (message) {
    process.stderr.write(`service-heap: ${message}\n${text}`);
    process.exit(2);
  }
  process.stdout.write(text);
  process.exit(0);
}

// ------------------------------------------------------------------------------------------------
// Deterministic randomness (mulberry32) and vocabulary
// ------------------------------------------------------------------------------------------------

function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let rng = mulberry32(1);
const randInt = (n) => Math.floor(rng() * n);
const pick = (arr) => arr[randInt(arr.length)];
const HEX_CODES = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];
const hexScratch = [];
// Built from char codes in one go: a flat sequential string, not a chain of cons strings.
const hex = (n) => {
  hexScratch.length = n;
  for (let i = 0; i < n; i++) hexScratch[i] = HEX_CODES[randInt(16)];
  return String.fromCharCode.apply(null, hexScratch);
};

// Array join yields a flat string. Template literals / '+' make ConsString trees, which V8 keeps as
// one 'concatenated string' node per '+': a few are realistic (Session.id and the x-trace header are
// left as template literals on purpose), thousands per object are not.
const cat = (...parts) => parts.join('');

// Fixed epoch so timestamps (heap numbers: > Smi range) are deterministic.
const BASE_TIME = 1717000000000;

const FIRST = ['ada', 'linus', 'grace', 'ken', 'barbara', 'edsger', 'margaret', 'dennis', 'frances', 'alan',
  'radia', 'bjarne', 'anita', 'guido', 'sophie', 'james', 'katherine', 'niklaus', 'hedy', 'donald'];
const LAST = ['lovelace', 'torvalds', 'hopper', 'thompson', 'liskov', 'dijkstra', 'hamilton', 'ritchie',
  'allen', 'turing', 'perlman', 'stroustrup', 'borg', 'rossum', 'wilson', 'gosling', 'johnson', 'wirth'];
const ROLES = ['admin', 'editor', 'viewer', 'billing', 'support', 'auditor', 'owner', 'guest'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
const ROUTES = ['/api/v1/orders', '/api/v1/users', '/api/v1/cart', '/api/v2/search', '/healthz',
  '/api/v1/invoices', '/api/v2/recommendations', '/graphql', '/api/v1/payments', '/static/app.js'];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64)', 'curl/8.5.0', 'okhttp/4.12.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4)', 'python-requests/2.31', 'Go-http-client/2.0'];
const TAGS = [];
for (let i = 0; i < 256; i++) TAGS.push(`tag-${i.toString(36)}`);
const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2', 'ap-south-1', 'sa-east-1'];

// ------------------------------------------------------------------------------------------------
// Service model
// ------------------------------------------------------------------------------------------------

class User {
  constructor(n) {
    this.id = 100000 + n;
    this.name = cat(pick(FIRST), ' ', pick(LAST));
    this.email = cat(this.name.replace(' ', '.'), '.', n, '@example.com');
    this.roles = [pick(ROLES), pick(ROLES)];
    this.prefs = { theme: rng() < 0.5 ? 'dark' : 'light', locale: pick(['en-GB', 'de-DE', 'fr-FR', 'ja-JP']),
      pageSize: 10 + randInt(90) };
    this.quota = rng() * 1000; // heap number
  }
}

class Session {
  constructor(n, user) {
    this.id = `sess-${hex(16)}`;
    this.user = user;
    this.createdAt = BASE_TIME + n * 1000.25; // heap numbers (> Smi range)
    this.lastSeen = this.createdAt + rng() * 3.6e6;
    this.region = pick(REGIONS);
    this.attrs = new Map([
      ['ip', cat('10.', randInt(256), '.', randInt(256), '.', randInt(256))],
      ['ua', pick(AGENTS)],
      ['csrf', hex(24)],
    ]);
    this.tags = new Set([pick(TAGS), pick(TAGS), pick(TAGS)]);
    this.requests = [];
    const sessionId = this.id;
    let touches = 0;
    // closure capturing a context with the session id and a mutable counter
    this.touch = () => {
      touches++;
      return `${sessionId}:${touches}`;
    };
  }
}

class CacheEntry {
  constructor(key, value, ttlMs) {
    this.key = key;
    this.value = value;
    this.expiresAt = BASE_TIME + ttlMs + rng(); // heap number
    this.hits = randInt(1000);
    this.payload = null;
  }
}

class RequestContext {
  constructor(session, seq) {
    this.session = session; // cycle: session.requests[] -> ctx -> session
    this.seq = seq;
    this.method = pick(METHODS);
    this.url = cat(pick(ROUTES), '?page=', randInt(50), '&q=', hex(6));
    this.headers = {
      'x-request-id': hex(32),
      'user-agent': pick(AGENTS),
      'accept': 'application/json',
      'x-trace': `${hex(16)}-${hex(8)}`,
    };
    this.startedAt = BASE_TIME + seq * 3.5;
    this.span = { traceId: hex(16), spanId: hex(8), parent: null, attrs: [seq, this.method] };
    // resolved promise holding a result object, and a pending promise whose resolver is kept
    this.result = Promise.resolve({ status: 200, bytes: randInt(1 << 20) });
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
    this.done.then((v) => this.onDone(v));
  }

  onDone(v) {
    return v;
  }
}

/** Bounded LRU cache built on Map insertion order (the common hand-rolled service pattern). */
class LruCache {
  constructor(max) {
    this.max = max;
    this.map = new Map();
    this.evictions = 0;
  }

  get(key) {
    const e = this.map.get(key);
    if (e !== undefined) {
      this.map.delete(key);
      this.map.set(key, e);
      e.hits++;
    }
    return e;
  }

  set(key, entry) {
    if (this.map.has(key)) this.map.delete(key);
    this.map.set(key, entry);
    while (this.map.size > this.max) {
      this.map.delete(this.map.keys().next().value);
      this.evictions++;
    }
  }
}

/** The known leak: requests kept forever by a module-level array and by bus listeners. */
class LeakedRequest {
  constructor(n) {
    this.id = cat('leak-', n, '-', hex(8));
    this.url = cat(pick(ROUTES), '/', n);
    this.receivedAt = BASE_TIME + n * 7.5;
    this.headers = { 'x-request-id': hex(32), 'content-type': 'application/json', 'x-n': String(n) };
    this.body = cat('{"order":', n, ',"items":[', randInt(100), ',', randInt(100), '],"note":"', hex(40), '"}');
    this.chunks = [hex(12), hex(12)];
    this.onData = null;
  }
}

// ------------------------------------------------------------------------------------------------
// Module-level (long-lived) state: every root of the service heap hangs off these
// ------------------------------------------------------------------------------------------------

const users = [];
const sessions = new Map(); // id -> Session
const tagIndex = new Map(); // tag -> Set<Session>
let cache = null; // LruCache of CacheEntry
const inFlight = []; // RequestContext
const bus = new EventEmitter(); // long-lived, per-session listeners
bus.setMaxListeners(0);
const metrics = { requests: 0, errors: 0, latencies: [] };
const buffers = []; // some standalone Buffers (own ArrayBuffers)
const leakBus = new EventEmitter();
leakBus.setMaxListeners(0);
const leakedRequests = []; // THE LEAK (module-level array)

let cacheSeq = 0;

function makeCacheEntry() {
  const k = cacheSeq++;
  const key = cat('cache:', pick(ROUTES), ':', k);
  const value = { rows: [k, k + 1, k + 2], etag: cat('W/"', hex(10), '"'), ok: true };
  const e = new CacheEntry(key, value, 60000 + randInt(600000));
  if (k % 5 === 0) e.payload = Buffer.from(`${key}|${hex(48)}`); // pooled slice
  return e;
}

function buildUnit(n) {
  // users are shared: ~2 sessions per user
  let user;
  if (n % 2 === 0 || users.length === 0) {
    user = new User(n);
    users.push(user);
  } else {
    user = users[users.length - 1 - randInt(Math.min(users.length, 16))];
  }
  const s = new Session(n, user);
  sessions.set(s.id, s);
  for (const t of s.tags) {
    let set = tagIndex.get(t);
    if (!set) {
      set = new Set();
      tagIndex.set(t, set);
    }
    set.add(s);
  }
  // per-session listener on the long-lived bus (closure over the session)
  bus.on(`session:${n % 97}`, function onSessionEvent(evt) {
    if (evt && evt.id === s.id) s.touch();
  });
  // 1-2 requests in flight per session, referencing each other (cycles)
  const nReq = 1 + (n % 3 === 0 ? 1 : 0);
  for (let r = 0; r < nReq; r++) {
    const ctx = new RequestContext(s, n * 4 + r);
    if (r > 0) ctx.span.parent = s.requests[r - 1].span;
    s.requests.push(ctx);
    inFlight.push(ctx);
  }
  // two cache entries per unit
  cache.set(cat('warm:', n, ':a'), makeCacheEntry());
  cache.set(cat('warm:', n, ':b'), makeCacheEntry());
  if (n % 10 === 0) metrics.latencies.push(rng() * 250);
  if (n % 50 === 0) {
    // own (non-pooled) backing store => JSArrayBuffer + 'system / JSArrayBufferData'
    const b = Buffer.alloc(1024 + randInt(16384));
    b.write(s.id);
    buffers.push(b);
  }
}

/** Allocate and drop short-lived objects (pure garbage for the snapshot's GC). */
function churnGarbage(count) {
  let sink = 0;
  for (let i = 0; i < count; i++) {
    const tmp = { i, s: `tmp-${i}-${hex(4)}`, a: [i, i * 2], f: () => i };
    sink += tmp.a.length + tmp.s.length;
  }
  return sink;
}

/** Normal traffic: LRU turnover, request completion/replacement, garbage. No leak. */
function trafficRound(units) {
  const cacheWrites = Math.max(1, Math.floor(units * 0.3));
  for (let i = 0; i < cacheWrites; i++) {
    cache.set(cat('hot:', cacheSeq), makeCacheEntry());
    if (i % 3 === 0) cache.get(cat('warm:', randInt(units), ':a'));
  }
  const replace = Math.max(1, Math.floor(inFlight.length * 0.05));
  for (let i = 0; i < replace; i++) {
    const idx = randInt(inFlight.length);
    const old = inFlight[idx];
    old.finish({ status: 200 });
    const s = old.session;
    const ctx = new RequestContext(s, 1e7 + metrics.requests);
    s.requests[s.requests.indexOf(old)] = ctx;
    inFlight[idx] = ctx;
    metrics.requests++;
  }
  churnGarbage(units * 5);
}

function leakOne(n) {
  const req = new LeakedRequest(n);
  const listener = (chunk) => {
    req.chunks.push(chunk);
  };
  req.onData = listener;
  leakBus.on('data', listener);
  leakedRequests.push(req);
}

// ------------------------------------------------------------------------------------------------
// Snapshot writing and reporting
// ------------------------------------------------------------------------------------------------

/** Reads node_count / edge_count from the header without parsing the file. */
function readHeaderCounts(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const head = buf.toString('latin1', 0, n);
    const nodes = /"node_count":(\d+)/.exec(head);
    const edges = /"edge_count":(\d+)/.exec(head);
    return { nodeCount: nodes ? Number(nodes[1]) : null, edgeCount: edges ? Number(edges[1]) : null };
  } finally {
    fs.closeSync(fd);
  }
}

function writeSnapshot(opts, phase) {
  const file = path.join(opts.out, `${opts.scaleName}-${phase}.heapsnapshot`);
  try {
    fs.unlinkSync(file);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  const heapUsedBefore = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  v8.writeHeapSnapshot(file);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const bytes = fs.statSync(file).size;
  const { nodeCount, edgeCount } = readHeaderCounts(file);
  const line = {
    file,
    bytes,
    seconds: Math.round(seconds * 100) / 100,
    nodeCount,
    edgeCount,
    phase,
    units: opts.units,
    leakedRequests: leakedRequests.length,
    heapUsedMB: Math.round(heapUsedBefore / 1048576),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(JSON.stringify(line) + '\n');
  return line;
}

function log(msg) {
  process.stderr.write(`[service-heap ${new Date().toISOString()}] ${msg}\n`);
}

/** Lets queued microtasks (promise reactions of finished requests) and timers run, as a real
 * event loop would between requests; otherwise they would retain finished requests. */
const drainEventLoop = () => new Promise((resolve) => setImmediate(resolve));

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  opts.scaleName = opts.scale;
  fs.mkdirSync(opts.out, { recursive: true });
  rng = mulberry32(opts.seed);

  const units = opts.units;
  cache = new LruCache(units * 2);
  log(`building ${units} units`);
  const tb = Date.now();
  for (let n = 0; n < units; n++) {
    buildUnit(n);
    if (n % 2000 === 1999) {
      churnGarbage(2000);
      await drainEventLoop();
    }
  }
  await drainEventLoop();
  log(`built in ${(Date.now() - tb) / 1000}s, heapUsed=${Math.round(process.memoryUsage().heapUsed / 1048576)}MB`);

  if (opts.baseline) {
    writeSnapshot(opts, 'baseline');
    trafficRound(units);
    await drainEventLoop();
  }
  writeSnapshot(opts, 'before');

  // Leak size derived from the unit count (not from the measured snapshot) so that every run with
  // the same arguments does exactly the same work. Measured on Node 20: the service heap costs
  // ~NODES_PER_UNIT snapshot nodes per unit on top of ~BASE_NODES; one LeakedRequest costs
  // ~NODES_PER_LEAK nodes (object, id/url/body strings, heap number, headers object + 3 strings,
  // chunks array + elements + strings, listener closure + context, emitter array slot).
  const BASE_NODES = 42400;
  const NODES_PER_UNIT = 67.5;
  const NODES_PER_LEAK = 15;
  const expectedNodes = BASE_NODES + units * NODES_PER_UNIT;
  const leakCount = Math.max(10, Math.round((expectedNodes * opts.leakPercent) / 100 / NODES_PER_LEAK));
  log(`leaking ${leakCount} LeakedRequest objects (~${opts.leakPercent}% of nodes) with churn`);
  const rounds = 10;
  for (let r = 0; r < rounds; r++) {
    const from = Math.floor((leakCount * r) / rounds);
    const to = Math.floor((leakCount * (r + 1)) / rounds);
    for (let n = from; n < to; n++) leakOne(n);
    trafficRound(Math.max(1, Math.floor(units / rounds)));
    await drainEventLoop();
  }
  leakBus.emit('data', 'tick'); // every leaked request now holds one more chunk
  writeSnapshot(opts, 'after');
  log(`done; LRU evictions=${cache.evictions}, sessions=${sessions.size}, inFlight=${inFlight.length}`);
}

main().catch((err) => {
  process.stderr.write(`service-heap: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
