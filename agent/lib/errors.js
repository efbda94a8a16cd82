'use strict';

// Exit codes of the leak-detector-agent CLI. The Java side relies on them:
// 2 means "you called me wrong", 3 means "this container/process can not be
// snapshotted this way" (no such pid, inspector unreachable, SIGUSR1 not
// handled, agent wants a token...), 1 is any other failure.
const EXIT = Object.freeze({
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  ENVIRONMENT: 3,
  INTERRUPTED: 130,
});

class CliError extends Error {
  constructor(message, exitCode = EXIT.FAILURE) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

const usageError = (message) => new CliError(message, EXIT.USAGE);
const environmentError = (message) => new CliError(message, EXIT.ENVIRONMENT);

/** The error a command rejects with when interrupted (SIGINT/SIGTERM). */
function abortError() {
  const err = new Error('interrupted');
  err.name = 'AbortError';
  return err;
}

module.exports = { EXIT, CliError, usageError, environmentError, abortError };
