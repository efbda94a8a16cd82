'use strict';

// Maintenance state and in-flight request accounting.
//
// Maintenance is ON when either
//   - it was switched on "manually" (the JS API or the control channel), or
//   - the maintenance file exists (polled with fs.stat).
// The two are independent on purpose: `maintenance off` over the control
// channel does not override an operator who created the file by hand, and
// removing the file does not cancel a snapshot run that switched maintenance
// on through the control channel. `source` reports which one is active
// (the manual one wins when both are).
//
// In-flight requests are the ones admitted while maintenance was off; they
// are counted until their response finishes (or the connection closes), so a
// drain can wait for them to reach zero.

const fs = require('node:fs');
const { EventEmitter } = require('node:events');

class MaintenanceController extends EventEmitter {
  /**
   * @param {object} options
   * @param {string|null} options.maintenanceFile path to poll; null disables
   * @param {number} options.pollIntervalMs how often to stat the file
   * @param {object} options.logger { info, warn } (may be no-ops)
   */
  constructor({ maintenanceFile = null, pollIntervalMs = 500, logger } = {}) {
    super();
    this.maintenanceFile = maintenanceFile || null;
    this.pollIntervalMs = pollIntervalMs;
    this.logger = logger;
    this._manualSource = null; // 'api' | 'control' | null
    this._filePresent = false;
    this._active = new Set(); // responses of in-flight requests
    this._drainWaiters = new Set();
    this._pollTimer = null;
    this._polling = false; // an fs.stat is outstanding
    this._lastFileError = null;
    this._closed = false;

    if (this.maintenanceFile) {
      // Read the initial state synchronously so a process started while the
      // file exists never serves a single request or reports ready.
      this._filePresent = fileExistsSync(this.maintenanceFile);
      this._pollTimer = setInterval(() => this.checkFile(), this.pollIntervalMs);
      // A timer of ours must never keep the application alive.
      this._pollTimer.unref();
    }
  }

  get enabled() {
    return this._manualSource !== null || this._filePresent;
  }

  get source() {
    if (this._manualSource) return this._manualSource;
    return this._filePresent ? 'file' : null;
  }

  get inFlight() {
    return this._active.size;
  }

  get filePresent() {
    return this._filePresent;
  }

  /** Switches manual maintenance on. `source` is 'api' or 'control'. */
  enable(source = 'api') {
    const before = this.enabled;
    this._manualSource = source;
    this._changed(before);
  }

  /** Switches manual maintenance off (the file, if present, still counts). */
  disable() {
    const before = this.enabled;
    this._manualSource = null;
    this._changed(before);
  }

  /**
   * Registers an admitted request. It stays in flight until its response has
   * been fully handed to the OS ('finish') or the connection died ('close').
   */
  track(res) {
    this._active.add(res);
    let done = false;
    const finished = () => {
      if (done) return;
      done = true;
      this._active.delete(res);
      if (this._active.size === 0) this._resolveDrainWaiters(true);
    };
    res.once('finish', finished);
    res.once('close', finished);
  }

  /**
   * Resolves true as soon as no request is in flight, or false when
   * timeoutMs elapses first (or the controller is closed).
   */
  waitForDrain(timeoutMs) {
    if (this._active.size === 0) return Promise.resolve(true);
    if (this._closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = { resolve: null, timer: null };
      waiter.resolve = (drained) => {
        clearTimeout(waiter.timer);
        this._drainWaiters.delete(waiter);
        resolve(drained);
      };
      // Not unref'd: whoever awaits a drain wants the answer, and the wait is
      // bounded by the timeout anyway.
      waiter.timer = setTimeout(() => waiter.resolve(false), Math.max(0, timeoutMs));
      this._drainWaiters.add(waiter);
    });
  }

  /** Stats the maintenance file once; resolves when done. */
  checkFile() {
    if (!this.maintenanceFile || this._polling || this._closed) return Promise.resolve();
    this._polling = true;
    return new Promise((resolve) => {
      fs.stat(this.maintenanceFile, (err) => {
        this._polling = false;
        if (this._closed) {
          resolve();
          return;
        }
        let present = !err;
        if (err && err.code !== 'ENOENT' && err.code !== 'ENOTDIR') {
          // e.g. EACCES: report once, and treat the file as absent so a
          // permissions mistake can not take the service out of rotation.
          if (this._lastFileError !== err.code) {
            this.logger.warn(`cannot stat maintenance file ${this.maintenanceFile}: ${err.message}`);
          }
          this._lastFileError = err.code;
          present = false;
        } else {
          this._lastFileError = null;
        }
        if (present !== this._filePresent) {
          const before = this.enabled;
          this._filePresent = present;
          this.logger.info(`maintenance file ${this.maintenanceFile} ${present ? 'appeared' : 'removed'}`);
          this._changed(before);
        }
        resolve();
      });
    });
  }

  close() {
    this._closed = true;
    if (this._pollTimer) clearInterval(this._pollTimer);
    this._pollTimer = null;
    this._resolveDrainWaiters(false);
  }

  _changed(before) {
    const now = this.enabled;
    if (now === before) return;
    if (now) {
      // Responses still being produced will be the last ones on their
      // connection: ask Node to close keep-alive sockets after them, so clients
      // reconnect (to another instance) instead of sending their next request
      // here only to receive a 503.
      for (const res of this._active) {
        try {
          if (!res.headersSent) res.setHeader('Connection', 'close');
        } catch {
          // A framework may have frozen headers; closing is only a courtesy.
        }
      }
    }
    this.emit('change', { maintenance: now, source: this.source });
  }

  _resolveDrainWaiters(drained) {
    for (const waiter of [...this._drainWaiters]) waiter.resolve(drained);
  }
}

function fileExistsSync(file) {
  try {
    fs.statSync(file);
    return true;
  } catch {
    return false;
  }
}

module.exports = { MaintenanceController };
