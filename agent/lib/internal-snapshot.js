'use strict';

// `leak-detector-agent internal-snapshot`: runs INSIDE the app's container
// (most Node images have no Java) and takes a heap snapshot of the app with
// zero downtime:
//
//   1. maintenance on  — through the agent's control channel when the agent
//                        runs in the target process, else by creating the
//                        maintenance file (which an agent polls);
//   2. wait for in-flight requests (agent: until drained, at most the grace
//      period; file: the whole grace period, since nobody can tell us);
//   3. snapshot        — agent: POST /snapshot; otherwise SIGUSR1 to the
//                        pid, find its inspector, stream the snapshot;
//   4. maintenance off — always (finally); the file is removed only if we
//                        created it.

const fs = require('node:fs');
const path = require('node:path');
const { controlRequest } = require('./control-client');
const inspector = require('./inspector-client');
const snapshot = require('./snapshot');
const { CliError, EXIT, environmentError, usageError } = require('./errors');

const SIGUSR1_BIT = 1n << 9n; // signal 10 -> bit 9 of the /proc/<pid>/status masks

/**
 * @param {object} o
 * @param {string} o.file target path (relative paths are resolved against cwd)
 * @param {number|undefined} o.pid target pid; default: the agent's pid if an agent answers, else 1
 * @param {number} o.graceMs maintenance grace period
 * @param {number} o.agentPort 0 = do not look for an agent
 * @param {string|null} o.maintenanceFile null = do not use a maintenance file
 * @param {number} o.inspectPort
 * @param {number} o.inspectorTimeoutMs how long to wait for the inspector after SIGUSR1
 * @param {number} o.timeoutMs upper bound for the snapshot itself
 * @param {string|null} o.token control channel token
 * @param {AbortSignal} [o.signal]
 * @param {(msg: string) => void} o.log progress messages (stderr)
 */
async function internalSnapshot(o) {
  const started = Date.now();
  const log = o.log || (() => {});
  let file;
  try {
    file = snapshot.validateSnapshotPath(path.resolve(o.file));
  } catch (err) {
    throw usageError(`--file: ${err.message.replace(/^"file" /, '')}`);
  }

  const agentStatus = o.agentPort ? await probeAgent(o.agentPort, o.token, log) : null;
  const pid = o.pid !== undefined ? o.pid : agentStatus ? agentStatus.pid : 1;
  const useAgent = agentStatus !== null && agentStatus.pid === pid;
  if (agentStatus && !useAgent) {
    log(`the agent on 127.0.0.1:${o.agentPort} runs in pid ${agentStatus.pid}, not ${pid}: not using it`);
  }
  if (!useAgent) {
    // Fail before touching maintenance if the inspector path can not work.
    // (The agent path needs no local pid: it also works from a sidecar that
    // shares the app's network namespace but not its pid namespace.)
    checkPidExists(pid);
    checkLooksLikeNode(pid);
    checkHandlesSigusr1(pid);
  }

  const result = {
    file,
    bytes: 0,
    durationMs: 0,
    pid,
    method: useAgent ? 'agent' : 'inspector',
    maintenance: 'none',
    drained: null,
    totalMs: 0,
  };

  let leaveMaintenance = async () => {};
  let left = true;
  let primaryError = null;
  try {
    if (useAgent) {
      log(`maintenance on via agent (pid ${pid}), draining for at most ${o.graceMs} ms`);
      result.maintenance = 'agent';
      leaveMaintenance = async () => {
        // Not abortable: leaving maintenance is exactly what an interrupt must still do.
        await agentCall(o, 'POST', '/maintenance', { enabled: false }, 10000, { abortable: false });
        log('maintenance off via agent');
      };
      const on = await agentCall(o, 'POST', '/maintenance', { enabled: true, drainTimeoutMs: o.graceMs }, o.graceMs + 10000);
      result.drained = on.drained;
      log(on.drained ? 'all in-flight requests finished' : `grace period over with ${on.inFlight} request(s) still in flight`);
    } else if (o.maintenanceFile) {
      const created = createMaintenanceFile(o.maintenanceFile);
      result.maintenance = 'file';
      if (created) {
        leaveMaintenance = async () => {
          snapshot.unlinkQuietly(o.maintenanceFile);
          log(`removed maintenance file ${o.maintenanceFile}`);
        };
      }
      log(`${created ? 'created' : 'found existing'} maintenance file ${o.maintenanceFile}; waiting ${o.graceMs} ms`);
      await inspector.sleep(o.graceMs, o.signal);
    }

    inspector.throwIfAborted(o.signal);
    const shot = useAgent ? await snapshotViaAgent(o, file, log) : await snapshotViaInspector(o, pid, file, log);
    Object.assign(result, { file: shot.file, bytes: shot.bytes, durationMs: shot.durationMs });
    log(`wrote ${shot.bytes} bytes to ${shot.file} in ${Math.round(shot.durationMs)} ms`);
  } catch (err) {
    primaryError = err;
  } finally {
    try {
      await leaveMaintenance();
    } catch (err) {
      left = false;
      const message = `could not leave maintenance mode: ${err.message}`;
      if (primaryError) log(message);
      else primaryError = new CliError(`snapshot written to ${file} but ${message}`);
    }
  }
  if (primaryError) {
    if (o.signal && o.signal.aborted) {
      const state = left ? 'maintenance mode was left' : 'maintenance mode could NOT be left';
      throw new CliError(`interrupted; ${state}`, EXIT.INTERRUPTED);
    }
    throw primaryError;
  }
  result.totalMs = Date.now() - started;
  return result;
}

/** The agent's /status, or null when nothing (or something else) answers. */
async function probeAgent(port, token, log) {
  let res;
  try {
    res = await controlRequest(port, 'GET', '/status', { token, timeoutMs: 2000 });
  } catch (err) {
    if (err.code !== 'ECONNREFUSED') log(`no agent on 127.0.0.1:${port} (${err.code || err.message})`);
    return null;
  }
  if (res.status === 401) {
    throw environmentError(`the agent on 127.0.0.1:${port} requires a token: set LEAK_DETECTOR_AGENT_TOKEN`);
  }
  if (res.status !== 200 || !res.body || typeof res.body !== 'object' || !Number.isInteger(res.body.pid)) {
    log(`something answered on 127.0.0.1:${port} but it is not a leak-detector agent (HTTP ${res.status})`);
    return null;
  }
  return res.body;
}

async function agentCall(o, method, urlPath, body, timeoutMs, { abortable = true } = {}) {
  let res;
  try {
    const signal = abortable ? o.signal : undefined;
    res = await controlRequest(o.agentPort, method, urlPath, { body, token: o.token, timeoutMs, signal });
  } catch (err) {
    throw new CliError(`agent ${method} ${urlPath} failed: ${err.message}`);
  }
  if (res.status !== 200) {
    const detail = res.body && res.body.error ? res.body.error : JSON.stringify(res.body);
    throw new CliError(`agent ${method} ${urlPath} answered HTTP ${res.status}: ${detail}`);
  }
  return res.body;
}

async function snapshotViaAgent(o, file, log) {
  log(`asking the agent to write the snapshot to ${file}`);
  // The agent process writes the file itself (as the app's user).
  return agentCall(o, 'POST', '/snapshot', { file }, o.timeoutMs);
}

async function snapshotViaInspector(o, pid, file, log) {
  const port = o.inspectPort;
  let targets = await inspector.listTargets(port, { timeoutMs: 1000 }).catch(() => null);
  if (targets) {
    log(`an inspector already listens on 127.0.0.1:${port}`);
  } else {
    log(`sending SIGUSR1 to pid ${pid} to open its inspector on 127.0.0.1:${port}`);
    try {
      process.kill(pid, 'SIGUSR1');
    } catch (err) {
      throw environmentError(`cannot send SIGUSR1 to pid ${pid}: ${err.code || err.message}`);
    }
    targets = await inspector.waitForTargets(port, { timeoutMs: o.inspectorTimeoutMs, signal: o.signal });
  }
  const { session, target } = await inspector.connectToPid(targets, pid, port);
  log(`connected to inspector target ${JSON.stringify(target.title)}; taking heap snapshot`);
  try {
    return await inspector.streamHeapSnapshot(session, file, { timeoutMs: o.timeoutMs, signal: o.signal });
  } finally {
    await session.close().catch(() => session.terminate());
  }
}

/** Creates the file exclusively; returns false if it already existed. */
function createMaintenanceFile(file) {
  try {
    fs.writeFileSync(file, `maintenance requested by leak-detector-agent internal-snapshot (pid ${process.pid})\n`, {
      flag: 'wx',
      mode: 0o644,
    });
    return true;
  } catch (err) {
    if (err.code === 'EEXIST') return false;
    throw environmentError(`cannot create maintenance file ${file}: ${err.code || err.message}`);
  }
}

function checkPidExists(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code === 'ESRCH') throw environmentError(`no process with pid ${pid}`);
    if (err.code === 'EPERM') {
      throw environmentError(`not permitted to signal pid ${pid}: run as the app's user or as root`);
    }
    throw environmentError(`cannot check pid ${pid}: ${err.message}`);
  }
}

/**
 * Refuses to signal something that is clearly not Node.js. /proc/<pid>/exe
 * survives process.title changes; the cmdline is the fallback when exe is
 * unreadable. Without /proc (macOS) there is nothing to check.
 */
function checkLooksLikeNode(pid) {
  const names = [];
  try {
    names.push(path.basename(fs.readlinkSync(`/proc/${pid}/exe`)).replace(/ \(deleted\)$/, ''));
  } catch {
    // not permitted, or no /proc
  }
  if (names.length === 0) {
    try {
      const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
      if (argv0) names.push(path.basename(argv0.split(' ')[0]));
    } catch {
      return;
    }
  }
  if (names.length > 0 && !names.some((n) => /node/i.test(n))) {
    throw environmentError(`pid ${pid} does not look like a Node.js process (${names.join(', ')})`);
  }
}

/**
 * SIGUSR1's default action terminates a process. Node installs a handler for
 * it (to start the inspector) unless started with --disable-sigusr1 or built
 * without the inspector; check the kernel's view before sending anything.
 */
function checkHandlesSigusr1(pid) {
  let status;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return; // no /proc: cannot check
  }
  const mask = (name) => {
    const m = new RegExp(`^${name}:\\s*([0-9a-fA-F]+)`, 'm').exec(status);
    return m ? BigInt(`0x${m[1]}`) : null;
  };
  const caught = mask('SigCgt');
  const ignored = mask('SigIgn');
  if (ignored !== null && (ignored & SIGUSR1_BIT) !== 0n) {
    throw environmentError(`pid ${pid} ignores SIGUSR1, so its inspector can not be opened (SIGUSR1 disabled)`);
  }
  if (caught !== null && (caught & SIGUSR1_BIT) === 0n) {
    throw environmentError(
      `pid ${pid} does not handle SIGUSR1 (started with --disable-sigusr1, built without inspector, or not Node.js); ` +
        'not sending it, as that would kill the process',
    );
  }
}

module.exports = { internalSnapshot, checkHandlesSigusr1, checkLooksLikeNode, checkPidExists };
