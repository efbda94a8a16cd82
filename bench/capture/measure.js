#!/usr/bin/env node
'use strict';
/*
 * One capture measurement for bench/run-capture.sh: starts bench/capture/target.js with a heap of
 * about --heap-mb MB, snapshots it once, and prints one JSON line.
 *
 *   node bench/capture/measure.js --shape tiny|service --heap-mb 500 --method cdp|write \
 *        --dir DIR --cli bin/leak-detector [--keep]
 *
 * Methods:
 *   cdp    `leak-detector snapshot --pid PID` from outside (SIGUSR1, one inspector session,
 *          chunks streamed to DIR/<name>.heapsnapshot.partial, renamed when complete)
 *   write  v8.writeHeapSnapshot(file) inside the target itself
 *
 * Measured:
 *   generationS  start until the first byte reaches the file (the target builds its heap graph;
 *                for cdp this also holds the JVM start, SIGUSR1 and the connection, ~1 s)
 *   transferS    first byte until the complete file (closed and, for cdp, renamed); mbPerS is the
 *                file size over this time. All sizes are MiB (the field names say MB for short).
 *   pauseS       the largest gap of the target's own setInterval(..., 10) heartbeat
 *   peakRssMB    the target's peak RSS during the snapshot: VmHWM after resetting it through
 *                /proc/PID/clear_refs (root or the same user), else a 20 ms sampler's maximum
 *   rssIncreaseMB = peak - RSS just before; costFactor = rssIncrease / heapUsed
 *   cliPeakRssMB the leak-detector JVM's own peak RSS (cdp only, from /usr/bin/time)
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const MB = 1024 * 1024;

function parseArgs(argv) {
  const opts = { shape: 'service', heapMb: 500, method: 'cdp', dir: null, cli: null, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--shape') opts.shape = argv[++i];
    else if (a === '--heap-mb') opts.heapMb = Number(argv[++i]);
    else if (a === '--method') opts.method = argv[++i];
    else if (a === '--dir') opts.dir = argv[++i];
    else if (a === '--cli') opts.cli = argv[++i];
    else if (a === '--keep') opts.keep = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!opts.dir || (opts.method === 'cdp' && !opts.cli)) throw new Error('--dir (and --cli for cdp) are required');
  if (!['cdp', 'write'].includes(opts.method)) throw new Error('--method must be cdp or write');
  return opts;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function procStatus(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function fileSize(file) {
  try {
    return fs.statSync(file).size;
  } catch {
    return -1;
  }
}

/** node_count and edge_count from the snapshot's first bytes, without parsing the file. */
function header(file) {
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.alloc(8192);
  fs.readSync(fd, buffer, 0, buffer.length, 0);
  fs.closeSync(fd);
  const text = buffer.toString('latin1');
  const number = (name) => Number((new RegExp(`"${name}":(\\d+)`).exec(text) || [])[1]);
  return { nodes: number('node_count'), edges: number('edge_count') };
}

function startTarget(opts) {
  const script = path.join(__dirname, 'target.js');
  const child = spawn(process.execPath, ['--expose-gc', '--inspect-port=0', script, '--shape', opts.shape,
    '--heap-mb', String(opts.heapMb)], { stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = [];
  const waiting = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const value = JSON.parse(line);
    if (waiting.length) waiting.shift()(value);
    else lines.push(value);
  });
  const next = () => (lines.length ? Promise.resolve(lines.shift()) : new Promise((resolve) => waiting.push(resolve)));
  const request = (command) => {
    child.stdin.write(JSON.stringify(command) + '\n');
    return next();
  };
  return { child, next, request };
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  fs.mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const file = path.resolve(opts.dir, `${opts.shape}-${opts.heapMb}-${opts.method}.heapsnapshot`);
  fs.rmSync(file, { force: true });

  const target = startTarget(opts);
  const pid = target.child.pid;
  try {
    const ready = await target.next();
    await sleep(1000);
    const rssBefore = procStatus(pid, 'VmRSS');
    let peakReset = true;
    try {
      fs.writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS
    } catch {
      peakReset = false;
    }
    await target.request({ cmd: 'reset' });

    let sampledPeak = rssBefore;
    let firstByteAt = 0;
    let closedAt = 0;
    const watched = opts.method === 'cdp' ? `${file}.partial` : file;
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, procStatus(pid, 'VmRSS'));
      if (!firstByteAt && fileSize(watched) > 0) firstByteAt = Date.now();
      if (opts.method === 'cdp' && !closedAt && fileSize(file) >= 0) closedAt = Date.now();
    }, 20);

    let startAt;
    let cliPeakRssMB = null;
    if (opts.method === 'cdp') {
      startAt = Date.now();
      const result = await run('/usr/bin/time', ['-f', 'TIME %M', opts.cli, 'snapshot', '--pid', String(pid),
        '--output', file, '--no-progress']);
      if (result.code !== 0) throw new Error(`leak-detector snapshot failed (${result.code}): ${result.err.trim()}`);
      const time = /TIME (\d+)/.exec(result.err);
      cliPeakRssMB = time ? Math.round(Number(time[1]) / 1024) : null;
      if (!closedAt) closedAt = Date.now();
    } else {
      const written = await target.request({ cmd: 'write', file });
      startAt = written.startMs;
      closedAt = written.endMs;
    }
    clearInterval(sampler);
    await sleep(300);
    const report = await target.request({ cmd: 'report' });
    const peak = peakReset ? procStatus(pid, 'VmHWM') : sampledPeak;
    const bytes = fs.statSync(file).size;
    const { nodes, edges } = header(file);
    const transferS = (closedAt - firstByteAt) / 1000;
    const result = {
      shape: opts.shape,
      method: opts.method,
      heapUsedMB: Math.round(ready.heapUsed / MB),
      externalMB: Math.round(ready.external / MB),
      rssBeforeMB: Math.round(rssBefore / MB),
      nodes,
      edges,
      fileMB: Math.round(bytes / MB),
      totalS: round((closedAt - startAt) / 1000),
      generationS: round((firstByteAt - startAt) / 1000),
      transferS: round(transferS),
      mbPerS: round(bytes / MB / transferS),
      pauseS: round(report.maxGapMs / 1000),
      peakRssMB: Math.round(peak / MB),
      peakFrom: peakReset ? 'VmHWM' : 'sampler',
      rssIncreaseMB: Math.round((peak - rssBefore) / MB),
      costFactor: round((peak - rssBefore) / ready.heapUsed),
      bytesPerNode: Math.round((peak - rssBefore) / nodes),
      cliPeakRssMB,
      load1: os.loadavg()[0],
    };
    process.stdout.write(JSON.stringify(result) + '\n');
    if (!opts.keep) fs.rmSync(file, { force: true });
  } finally {
    target.child.kill('SIGKILL');
  }
}

function round(x) {
  return Math.round(x * 100) / 100;
}

main().catch((err) => {
  process.stderr.write(`measure: ${err.message}\n`);
  process.exit(1);
});
