'use strict';

// Command-line front end. Every failure ends as ONE line on stderr
// ("leak-detector-agent: error: ...") and an exit code from lib/errors.js, so
// the Java side can report it verbatim. Results go to stdout as JSON.

const { controlRequest } = require('./control-client');
const { internalSnapshot } = require('./internal-snapshot');
const { EXIT, CliError, usageError, environmentError } = require('./errors');
const { AGENT_VERSION, DEFAULTS, ENV } = require('./agent');

const NAME = 'leak-detector-agent';

const USAGE = `Usage:
  ${NAME} internal-snapshot --file PATH [options]
      Put the app into maintenance mode, wait for in-flight requests, write a
      heap snapshot of its process to PATH (*.heapsnapshot), leave maintenance.
      --maintenance-grace MS   grace period for in-flight requests (default 2000)
      --pid P                  target pid (default: the agent's pid if an agent
                               answers, otherwise 1)
      --agent-port N           agent control port (default $${ENV.port} or
                               ${DEFAULTS.controlPort}; 0 = do not use an agent)
      --maintenance-file F     file toggling maintenance when no agent answers
                               (default $${ENV.maintenanceFile} or
                               ${DEFAULTS.maintenanceFile}; "none" = do not use one)
      --inspect-port N         inspector port of the target (default 9229)
      --inspector-timeout MS   wait for the inspector after SIGUSR1 (default 5000)
      --timeout MS             upper bound for writing the snapshot (default 600000)
  ${NAME} status [--agent-port N]
  ${NAME} maintenance on|off [--agent-port N] [--drain-timeout MS]
  ${NAME} gc [--agent-port N]
  ${NAME} help | --help | --version

The control channel token, if the agent uses one, is read from $${ENV.token}.
Exit codes: 0 ok, 1 failure, 2 usage, 3 environment (no such pid, inspector
unreachable, SIGUSR1 not handled, no agent, token required, ...).
`;

const COMMON_OPTIONS = { 'agent-port': 'port' };
const COMMANDS = {
  'internal-snapshot': {
    options: {
      ...COMMON_OPTIONS,
      file: 'string',
      'maintenance-grace': 'ms',
      pid: 'pid',
      'maintenance-file': 'string',
      'inspect-port': 'port',
      'inspector-timeout': 'ms',
      timeout: 'ms',
    },
    positionals: 0,
    run: runInternalSnapshot,
  },
  status: { options: COMMON_OPTIONS, positionals: 0, run: runStatus },
  maintenance: { options: { ...COMMON_OPTIONS, 'drain-timeout': 'ms' }, positionals: 1, run: runMaintenance },
  gc: { options: COMMON_OPTIONS, positionals: 0, run: runGc },
};

/**
 * Runs the CLI. Resolves the exit code; never throws.
 * @param {string[]} argv arguments after the script name
 * @param {{stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream, env: object, signal?: AbortSignal}} io
 */
async function main(argv, io) {
  const { stdout, stderr } = io;
  const log = (msg) => stderr.write(`${NAME}: ${msg}\n`);
  try {
    const [commandName, ...rest] = argv;
    if (commandName === undefined || commandName === 'help' || commandName === '--help' || commandName === '-h') {
      (commandName === undefined ? stderr : stdout).write(USAGE);
      return commandName === undefined ? EXIT.USAGE : EXIT.OK;
    }
    if (commandName === '--version' || commandName === '-v') {
      stdout.write(`${AGENT_VERSION}\n`);
      return EXIT.OK;
    }
    const command = COMMANDS[commandName];
    if (!command) throw usageError(`unknown command "${commandName}" (try --help)`);
    const { options, positionals } = parseArgs(rest, command.options);
    if (positionals.length !== command.positionals) {
      throw usageError(
        command.positionals === 0
          ? `unexpected argument "${positionals[0]}"`
          : `"${commandName}" needs exactly ${command.positionals} argument(s)`,
      );
    }
    return await command.run({ options, positionals, io, log });
  } catch (err) {
    if (err instanceof CliError) {
      log(`error: ${oneLine(err.message)}`);
      return err.exitCode;
    }
    log(`error: ${oneLine(err && err.message ? err.message : String(err))}`);
    return EXIT.FAILURE;
  }
}

function oneLine(text) {
  return String(text).replace(/\s*\n\s*/g, ' ');
}

/** --name value | --name=value; types: string, ms, port, pid. */
function parseArgs(args, spec) {
  const options = {};
  const positionals = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const type = spec[name];
    if (!type) throw usageError(`unknown option --${name}`);
    let value;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= args.length) throw usageError(`--${name} needs a value`);
      value = args[++i];
    }
    options[name] = convert(name, type, value);
  }
  return { options, positionals };
}

function convert(name, type, value) {
  if (type === 'string') {
    if (value === '') throw usageError(`--${name} must not be empty`);
    return value;
  }
  if (!/^\d+$/.test(value)) throw usageError(`--${name} must be a non-negative integer, got "${value}"`);
  const n = Number(value);
  if (type === 'port' && n > 65535) throw usageError(`--${name} must be a port number (0-65535)`);
  if (type === 'pid' && (n < 1 || n > 4194304)) throw usageError(`--${name} must be a process id`);
  if (!Number.isSafeInteger(n)) throw usageError(`--${name} is too large`);
  return n;
}

function agentPortOf(options, env) {
  if (options['agent-port'] !== undefined) return options['agent-port'];
  const fromEnv = env[ENV.port];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!/^\d+$/.test(fromEnv) || Number(fromEnv) > 65535) throw usageError(`invalid ${ENV.port}="${fromEnv}"`);
    return Number(fromEnv);
  }
  return DEFAULTS.controlPort;
}

async function runInternalSnapshot({ options, io, log }) {
  if (options.file === undefined) throw usageError('internal-snapshot needs --file PATH');
  const env = io.env;
  let maintenanceFile = options['maintenance-file'] || env[ENV.maintenanceFile] || DEFAULTS.maintenanceFile;
  if (maintenanceFile === 'none') maintenanceFile = null;
  const result = await internalSnapshot({
    file: options.file,
    pid: options.pid,
    graceMs: options['maintenance-grace'] !== undefined ? options['maintenance-grace'] : 2000,
    agentPort: agentPortOf(options, env),
    maintenanceFile,
    inspectPort: options['inspect-port'] !== undefined ? options['inspect-port'] : 9229,
    inspectorTimeoutMs: options['inspector-timeout'] !== undefined ? options['inspector-timeout'] : 5000,
    timeoutMs: options.timeout !== undefined ? options.timeout : 600000,
    token: env[ENV.token] || null,
    signal: io.signal,
    log,
  });
  io.stdout.write(JSON.stringify(result) + '\n');
  return EXIT.OK;
}

async function clientCall(options, io, method, path, body, timeoutMs = 10000) {
  const port = agentPortOf(options, io.env);
  if (port === 0) throw usageError('--agent-port 0: no agent to talk to');
  let res;
  try {
    res = await controlRequest(port, method, path, { body, token: io.env[ENV.token] || null, timeoutMs, signal: io.signal });
  } catch (err) {
    throw environmentError(`no agent answering on 127.0.0.1:${port} (${err.code || err.message})`);
  }
  const error = res.body && typeof res.body === 'object' ? res.body.error : undefined;
  if (res.status === 401) throw environmentError(`agent refused the request: ${error}; set ${ENV.token}`);
  if (res.status !== 200) throw new CliError(`agent answered HTTP ${res.status}: ${error || JSON.stringify(res.body)}`);
  io.stdout.write(JSON.stringify(res.body, null, 2) + '\n');
  return EXIT.OK;
}

function runStatus({ options, io }) {
  return clientCall(options, io, 'GET', '/status');
}

function runMaintenance({ options, positionals, io }) {
  const mode = positionals[0];
  if (mode !== 'on' && mode !== 'off') throw usageError(`maintenance needs "on" or "off", got "${mode}"`);
  const body = { enabled: mode === 'on' };
  if (mode === 'on' && options['drain-timeout'] !== undefined) body.drainTimeoutMs = options['drain-timeout'];
  const wait = (body.drainTimeoutMs !== undefined ? body.drainTimeoutMs : DEFAULTS.drainTimeoutMs) + 10000;
  return clientCall(options, io, 'POST', '/maintenance', body, wait);
}

function runGc({ options, io }) {
  return clientCall(options, io, 'POST', '/gc', undefined, 60000);
}

module.exports = { main, parseArgs, USAGE };
