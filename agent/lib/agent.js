'use strict';

// The in-app agent: one object per process that
//   - gates incoming HTTP requests (plain http handler or (req,res,next)
//     middleware) according to the maintenance state,
//   - answers the readiness and liveness probes,
//   - runs the loopback control channel.

const v8 = require('node:v8');
const { EventEmitter } = require('node:events');
const { MaintenanceController } = require('./maintenance');
const { startControlServer } = require('./control-server');
const snapshot = require('./snapshot');

const AGENT_VERSION = require('../package.json').version;

const DEFAULTS = Object.freeze({
  readinessPath: '/ready',
  livenessPath: '/health',
  maintenanceFile: '/tmp/maintenance',
  filePollIntervalMs: 500,
  controlPort: 9339,
  retryAfterSeconds: 5,
  drainTimeoutMs: 10000,
});

const ENV = Object.freeze({
  port: 'LEAK_DETECTOR_AGENT_PORT',
  token: 'LEAK_DETECTOR_AGENT_TOKEN',
  maintenanceFile: 'LEAK_DETECTOR_AGENT_MAINTENANCE_FILE',
});

class LeakDetectorAgent extends EventEmitter {
  /** See README.md ("API") for the options. Prefer agent.create(options). */
  constructor(options = {}) {
    super();
    const env = options.env || process.env;
    this.logger = normalizeLogger(options.logger);
    this.readinessPath = normalizePath(options.readinessPath, DEFAULTS.readinessPath, 'readinessPath');
    this.livenessPath = normalizePath(options.livenessPath, DEFAULTS.livenessPath, 'livenessPath');
    this.retryAfterSeconds = positiveInt(options.retryAfterSeconds, DEFAULTS.retryAfterSeconds, 'retryAfterSeconds');
    this.drainTimeoutMs = nonNegativeInt(options.drainTimeoutMs, DEFAULTS.drainTimeoutMs, 'drainTimeoutMs');
    const pollIntervalMs = positiveInt(options.filePollIntervalMs, DEFAULTS.filePollIntervalMs, 'filePollIntervalMs');
    const maintenanceFile =
      options.maintenanceFile === undefined
        ? env[ENV.maintenanceFile] || DEFAULTS.maintenanceFile
        : options.maintenanceFile || null;
    // Validate everything before starting anything (timer, server).
    const port = resolveControlPort(options.controlPort, env[ENV.port], this.logger);

    this._maintenance = new MaintenanceController({
      maintenanceFile,
      pollIntervalMs,
      logger: this.logger,
    });
    this._maintenance.on('change', ({ maintenance, source }) => {
      this.logger.info(`maintenance ${maintenance ? `ON (source: ${source})` : 'OFF'}, ${this.inFlight} request(s) in flight`);
      this.emit('maintenance', { maintenance, source, inFlight: this.inFlight });
    });

    this._control = null;
    if (port !== 0) {
      const token = options.token !== undefined ? options.token || null : env[ENV.token] || null;
      this._control = startControlServer(this, { port, token, logger: this.logger });
    }
  }

  /** True while new requests are refused. */
  get inMaintenance() {
    return this._maintenance.enabled;
  }

  /** 'api' | 'control' | 'file' | null */
  get maintenanceSource() {
    return this._maintenance.source;
  }

  /** Requests admitted and not yet finished. */
  get inFlight() {
    return this._maintenance.inFlight;
  }

  get maintenanceFile() {
    return this._maintenance.maintenanceFile;
  }

  /**
   * The gate, usable from any framework: answers probes and maintenance 503s
   * itself and returns true, or starts counting the request as in flight and
   * returns false (the caller then serves it normally).
   */
  handle(req, res) {
    const pathname = pathOf(req);
    const isProbeMethod = req.method === 'GET' || req.method === 'HEAD';
    if (isProbeMethod && pathname === this.livenessPath) {
      // Liveness stays 200 in maintenance: an orchestrator must not restart a
      // pod that is only being snapshotted.
      this._reply(req, res, 200, { status: 'ok', maintenance: this.inMaintenance });
      return true;
    }
    if (isProbeMethod && pathname === this.readinessPath) {
      if (this.inMaintenance) this._refuse(req, res, { status: 'maintenance' });
      else this._reply(req, res, 200, { status: 'ready' });
      return true;
    }
    if (this.inMaintenance) {
      this._refuse(req, res, { error: 'service is in maintenance mode, retry later' });
      return true;
    }
    this._maintenance.track(res);
    return false;
  }

  /** Wraps a plain `http.createServer` request listener. */
  wrap(handler) {
    if (typeof handler !== 'function') throw new TypeError('wrap(handler): handler must be a function');
    const agent = this;
    return function leakDetectorAgentHandler(req, res) {
      if (agent.handle(req, res)) return undefined;
      return handler.call(this, req, res);
    };
  }

  /** Express/Connect/Polka/... style (req, res, next) middleware. Mount it first, at the root. */
  middleware() {
    const agent = this;
    return function leakDetectorAgentMiddleware(req, res, next) {
      if (agent.handle(req, res)) return;
      next();
    };
  }

  /**
   * Switches maintenance on immediately, then resolves once in-flight
   * requests are done or the timeout elapsed:
   * { maintenance, maintenanceSource, inFlight, drained }.
   */
  async maintenanceOn({ drainTimeoutMs = this.drainTimeoutMs, source = 'api' } = {}) {
    this._maintenance.enable(source);
    const drained = await this._maintenance.waitForDrain(drainTimeoutMs);
    return { ...this._maintenanceState(), drained };
  }

  /**
   * Leaves (manual) maintenance. If the maintenance file exists, maintenance
   * stays on until it is removed; the result tells.
   */
  async maintenanceOff() {
    this._maintenance.disable();
    return this._maintenanceState();
  }

  /** Resolves true when no request is in flight, false on timeout. */
  waitForDrain(timeoutMs = this.drainTimeoutMs) {
    return this._maintenance.waitForDrain(timeoutMs);
  }

  /** Re-reads the maintenance file now instead of at the next poll. */
  checkMaintenanceFile() {
    return this._maintenance.checkFile();
  }

  /** Same object as GET /status on the control channel. */
  status() {
    return {
      pid: process.pid,
      ...this._maintenanceState(),
      memory: process.memoryUsage(),
      heapLimit: v8.getHeapStatistics().heap_size_limit,
      uptimeSeconds: Math.round(process.uptime() * 1000) / 1000,
      agentVersion: AGENT_VERSION,
      nodeVersion: process.version,
      maintenanceFile: this.maintenanceFile,
      readinessPath: this.readinessPath,
      livenessPath: this.livenessPath,
    };
  }

  /**
   * Writes a heap snapshot of this process (blocks the event loop while V8
   * serializes the heap). Returns { file, bytes, durationMs }.
   */
  writeHeapSnapshot(file) {
    this.logger.info(`writing heap snapshot to ${file}`);
    const result = snapshot.writeOwnHeapSnapshot(file);
    this.logger.info(`heap snapshot written: ${result.bytes} bytes in ${Math.round(result.durationMs)} ms`);
    return result;
  }

  /** Runs a full GC; returns { method, durationMs, before, after, freedBytes }. */
  gc() {
    return snapshot.runFullGc();
  }

  /**
   * Resolves to { address, port } of the control channel once it listens, or
   * null when it is disabled or could not bind.
   */
  controlAddress() {
    return this._control ? this._control.listening : Promise.resolve(null);
  }

  /** Stops the file poll and the control channel. Idempotent. */
  async close() {
    this._maintenance.close();
    if (this._control) {
      await this._control.listening;
      await this._control.close();
    }
  }

  _maintenanceState() {
    return {
      maintenance: this.inMaintenance,
      maintenanceSource: this.maintenanceSource,
      inFlight: this.inFlight,
    };
  }

  _refuse(req, res, payload) {
    // Connection: close makes keep-alive clients (and proxies) open a fresh
    // connection, which a load balancer will route to a healthy instance.
    this._reply(req, res, 503, payload, {
      Connection: 'close',
      'Retry-After': String(this.retryAfterSeconds),
    });
  }

  _reply(req, res, status, payload, headers = {}) {
    // Discard any request body so the client is not cut off mid-upload.
    req.resume();
    const body = JSON.stringify(payload) + '\n';
    res.writeHead(status, {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

function pathOf(req) {
  // originalUrl: Express rewrites req.url inside mounted routers; probes are
  // configured with the absolute path.
  const url = req.originalUrl || req.url || '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function resolveControlPort(option, envValue, logger) {
  if (option !== undefined && option !== null) {
    if (!isPort(option)) throw new TypeError(`controlPort must be an integer 0..65535, got ${option}`);
    return Number(option);
  }
  if (envValue !== undefined && envValue !== '') {
    if (!/^\d+$/.test(envValue) || !isPort(Number(envValue))) {
      // A typo in an env var must not crash the service.
      logger.warn(`ignoring invalid ${ENV.port}=${JSON.stringify(envValue)}; control channel disabled`);
      return 0;
    }
    return Number(envValue);
  }
  return DEFAULTS.controlPort;
}

function isPort(n) {
  return Number.isInteger(n) && n >= 0 && n <= 65535;
}

function normalizePath(value, fallback, name) {
  if (value === undefined) return fallback;
  if (value === null || value === false) return null;
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw new TypeError(`${name} must start with "/" (or be null to disable it)`);
  }
  return value;
}

function positiveInt(value, fallback, name) {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer`);
  return value;
}

function nonNegativeInt(value, fallback, name) {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer`);
  return value;
}

const PREFIX = '[leak-detector-agent]';

function normalizeLogger(logger) {
  if (logger === null || logger === false) return { info() {}, warn() {} };
  if (logger === undefined) {
    return {
      info: (msg) => console.log(`${PREFIX} ${msg}`),
      warn: (msg) => console.warn(`${PREFIX} ${msg}`),
    };
  }
  return {
    info: typeof logger.info === 'function' ? (msg) => logger.info(`${PREFIX} ${msg}`) : () => {},
    warn: typeof logger.warn === 'function' ? (msg) => logger.warn(`${PREFIX} ${msg}`) : () => {},
  };
}

/** Creates (and starts) an agent. Create one per process. */
function create(options) {
  return new LeakDetectorAgent(options);
}

module.exports = { create, LeakDetectorAgent, DEFAULTS, ENV, AGENT_VERSION };
