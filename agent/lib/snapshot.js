'use strict';

// Heap snapshot files and full GCs, shared by the in-app control channel
// (which writes the snapshot of its own process with v8.writeHeapSnapshot)
// and the CLI (which streams another process's snapshot from the inspector).
//
// File handling rules, the same on both paths:
//   - the target must be an absolute path ending in ".heapsnapshot" (so a
//     stray request can not overwrite e.g. ~/.bashrc);
//   - a missing directory is created with mode 0700;
//   - data goes to "<file>.partial" created 0600 *before* any byte is
//     written (a snapshot contains every string in the heap: tokens,
//     passwords, customer data), then is renamed over the target, so readers
//     never see a half-written snapshot;
//   - the partial file is removed on any failure.

const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');

const SNAPSHOT_EXTENSION = '.heapsnapshot';
const PARTIAL_SUFFIX = '.partial';
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

class SnapshotPathError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SnapshotPathError';
    this.code = 'EBADSNAPSHOTPATH';
  }
}

/** Returns the normalized path or throws SnapshotPathError. */
function validateSnapshotPath(file) {
  if (typeof file !== 'string' || file.length === 0) {
    throw new SnapshotPathError('"file" must be a non-empty string');
  }
  if (file.includes('\0')) throw new SnapshotPathError('"file" must not contain NUL bytes');
  if (!path.isAbsolute(file)) throw new SnapshotPathError(`"file" must be an absolute path: ${file}`);
  if (!file.endsWith(SNAPSHOT_EXTENSION)) {
    throw new SnapshotPathError(`"file" must end with ${SNAPSHOT_EXTENSION}: ${file}`);
  }
  return path.normalize(file);
}

function partialPathFor(file) {
  return file + PARTIAL_SUFFIX;
}

/** Creates the snapshot's directory (0700) if it does not exist yet. */
function ensureDirectory(file) {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: DIR_MODE });
}

function unlinkQuietly(file) {
  try {
    fs.unlinkSync(file);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
}

/**
 * Creates "<file>.partial" exclusively with mode 0600 and returns its path and
 * an open fd. A stale partial from a crashed earlier run is replaced.
 */
function createPartialFile(file) {
  ensureDirectory(file);
  const partial = partialPathFor(file);
  unlinkQuietly(partial);
  const fd = fs.openSync(partial, 'wx', FILE_MODE);
  // The umask can only remove bits, but be explicit in case the file system
  // or an odd umask gave us something else.
  fs.fchmodSync(fd, FILE_MODE);
  return { partial, fd };
}

/** Renames the finished partial over the target and returns its size. */
function commitPartialFile(partial, file) {
  fs.chmodSync(partial, FILE_MODE);
  fs.renameSync(partial, file);
  return fs.statSync(file).size;
}

/**
 * Writes a heap snapshot of *this* process. Synchronous: V8 stops the world
 * while it serializes the heap (that is why callers enter maintenance mode
 * first). Returns { file, bytes, durationMs }.
 */
function writeOwnHeapSnapshot(file) {
  const target = validateSnapshotPath(file);
  const started = process.hrtime.bigint();
  const { partial, fd } = createPartialFile(target);
  fs.closeSync(fd);
  try {
    // V8 opens the existing 0600 file and truncates it, keeping the mode.
    v8.writeHeapSnapshot(partial);
    const bytes = commitPartialFile(partial, target);
    return { file: target, bytes, durationMs: elapsedMs(started) };
  } catch (err) {
    unlinkQuietly(partial);
    throw err;
  }
}

let exposedGc = null;

/**
 * Returns a function running a full (mark-compact) GC. Uses global.gc when the
 * process runs with --expose-gc; otherwise turns the flag on just long enough
 * to fetch `gc` from a fresh context, then turns it off again so other vm
 * contexts created later do not suddenly get a `gc` global.
 */
function getGcFunction() {
  if (typeof globalThis.gc === 'function') return { gc: globalThis.gc, method: 'global.gc' };
  if (!exposedGc) {
    v8.setFlagsFromString('--expose-gc');
    try {
      exposedGc = vm.runInNewContext('gc');
    } finally {
      v8.setFlagsFromString('--no-expose-gc');
    }
  }
  return { gc: exposedGc, method: 'expose-gc' };
}

/** Runs a full GC and reports memory before and after. */
function runFullGc() {
  const { gc, method } = getGcFunction();
  const before = process.memoryUsage();
  const started = process.hrtime.bigint();
  gc();
  const durationMs = elapsedMs(started);
  const after = process.memoryUsage();
  return {
    method,
    durationMs,
    before,
    after,
    freedBytes: before.heapUsed - after.heapUsed,
  };
}

function elapsedMs(startedNs) {
  return Number((process.hrtime.bigint() - startedNs) / 1000n) / 1000;
}

module.exports = {
  SNAPSHOT_EXTENSION,
  PARTIAL_SUFFIX,
  FILE_MODE,
  DIR_MODE,
  SnapshotPathError,
  validateSnapshotPath,
  partialPathFor,
  ensureDirectory,
  createPartialFile,
  commitPartialFile,
  unlinkQuietly,
  writeOwnHeapSnapshot,
  getGcFunction,
  runFullGc,
  elapsedMs,
};
