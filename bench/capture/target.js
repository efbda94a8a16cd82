#!/usr/bin/env node
'use strict';
/*
 * A live target for bench/run-capture.sh: builds a heap of about --heap-mb MB (heapUsed after a
 * full GC) in one of two shapes, then takes commands on stdin and answers on stdout, one JSON line
 * each.
 *
 *   node --expose-gc --inspect-port=0 bench/capture/target.js --shape tiny|service --heap-mb 500
 *
 * Shapes:
 *   tiny     N objects {a: i, b: 's' + i, c: [i], d: {x: i}} (the shape of docs §7 in
 *            v8-heap-snapshot.md): about 5 heap nodes per 170 bytes, the worst case for a snapshot.
 *   service  sessions as a web service keeps them: a shared User, a Session with string ids, a
 *            headers object, an attrs Map, a closure, a JSON body string (200 B to 2 KB), every
 *            8th with a 2 KiB Buffer (off-heap bytes, as real services have), in a Map and an
 *            LRU-like cache Map.
 *
 * Commands:
 *   {"cmd":"reset"}              forget the largest event-loop gap seen so far
 *   {"cmd":"report"}             {maxGapMs, heapUsed, rss, external}
 *   {"cmd":"write","file":F}     v8.writeHeapSnapshot(F) -> {ms, bytes}
 *
 * The heartbeat is setInterval(..., 10): the largest gap between two ticks is how long the event
 * loop was blocked, which is what the service's clients feel.
 */
const v8 = require('node:v8');
const fs = require('node:fs');
const readline = require('node:readline');

function parseArgs(argv) {
  const opts = { shape: 'service', heapMb: 500 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--shape') opts.shape = argv[++i];
    else if (argv[i] === '--heap-mb') opts.heapMb = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!['tiny', 'service'].includes(opts.shape)) throw new Error('--shape must be tiny or service');
  if (!(opts.heapMb > 0)) throw new Error('--heap-mb must be positive');
  return opts;
}

// ---- heap shapes --------------------------------------------------------------------------------

const keep = []; // everything built stays reachable from here

function buildTiny(start, count) {
  const objects = [];
  for (let i = start; i < start + count; i++) objects.push({ a: i, b: 's' + i, c: [i], d: { x: i } });
  keep.push(objects);
}

class User {
  constructor(i) {
    this.id = 'user-' + i;
    this.email = ['u', i, '@example.com'].join('');
    this.roles = i % 5 === 0 ? ['reader', 'admin'] : ['reader'];
  }
}

class Session {
  constructor(i, user) {
    this.id = ['sess', i.toString(36), (i * 2654435761 % 4294967296).toString(16)].join('-');
    this.user = user;
    this.createdAt = 1700000000000 + i;
    this.headers = {
      accept: 'application/json',
      'user-agent': AGENTS[i % AGENTS.length],
      'x-request-id': ['req', i.toString(16)].join('-'),
    };
    this.attrs = new Map([['locale', i % 3 ? 'en' : 'de'], ['visits', i % 100], ['plan', PLANS[i % 3]]]);
    this.body = JSON.stringify({ id: i, items: Array.from({ length: 2 + (i % 24) }, (_, k) => ({ sku: 'sku-' + (k * 31 + i) % 9973, qty: k % 4 + 1 })) });
    this.payload = i % 8 === 0 ? Buffer.alloc(2048, i % 251) : null;
    this.touch = () => {
      this.lastSeen = Date.now();
    };
  }
}
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64)', 'curl/8.5.0', 'okhttp/4.12.0', 'Go-http-client/2.0'];
const PLANS = ['free', 'team', 'enterprise'];
const sessions = new Map();
const cache = new Map();
const users = [];

function buildService(start, count) {
  for (let i = start; i < start + count; i++) {
    if (i % 2 === 0) users.push(new User(i >> 1));
    const session = new Session(i, users[users.length - 1]);
    sessions.set(session.id, session);
    if (i % 3 === 0) cache.set('order:' + i, { session, value: session.body.length, hits: 0 });
  }
}

// ---- build --------------------------------------------------------------------------------------

function build(opts) {
  const target = opts.heapMb * 1024 * 1024;
  const batch = opts.shape === 'tiny' ? 100000 : 10000;
  const step = opts.shape === 'tiny' ? buildTiny : buildService;
  let built = 0;
  while (process.memoryUsage().heapUsed < target) {
    step(built, batch);
    built += batch;
  }
  global.gc();
  return built;
}

// ---- heartbeat and commands ---------------------------------------------------------------------

let last = performance.now();
let maxGap = 0;
setInterval(() => {
  const now = performance.now();
  maxGap = Math.max(maxGap, now - last);
  last = now;
}, 10);

function answer(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

function memory() {
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external };
}

const opts = parseArgs(process.argv.slice(2));
const started = performance.now();
const units = build(opts);
answer({ ready: true, pid: process.pid, shape: opts.shape, units, buildMs: Math.round(performance.now() - started), ...memory() });
maxGap = 0;
last = performance.now();

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line);
  if (command.cmd === 'reset') {
    maxGap = 0;
    last = performance.now();
    answer({ ok: true });
  } else if (command.cmd === 'report') {
    answer({ maxGapMs: Math.round(Math.max(maxGap, performance.now() - last)), ...memory() });
  } else if (command.cmd === 'write') {
    const t0 = Date.now();
    v8.writeHeapSnapshot(command.file);
    const t1 = Date.now();
    answer({ startMs: t0, endMs: t1, ms: t1 - t0, bytes: fs.statSync(command.file).size });
  } else {
    answer({ error: `unknown command ${command.cmd}` });
  }
});
