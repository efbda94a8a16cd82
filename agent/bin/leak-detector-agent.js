#!/usr/bin/env node
'use strict';

// Entry point of the `leak-detector-agent` command. All logic is in lib/cli.js;
// this file only wires the process in: streams, environment, exit code, and
// interrupts. On the first SIGINT/SIGTERM/SIGHUP the running command is
// aborted and still leaves maintenance mode and removes partial files; a
// second one exits at once.

const { main } = require('../lib/cli');

const controller = new AbortController();
let finished = false;
let interrupts = 0;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(`leak-detector-agent: ${sig} received, cleaning up\n`);
    controller.abort();
  });
}

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
}).then((code) => {
  finished = true;
  process.exitCode = code;
});

// Safety net: if the event loop ever ran dry before the command finished (a
// bug), do not let the caller mistake that for success.
process.on('exit', () => {
  if (!finished && !process.exitCode) {
    process.stderr.write('leak-detector-agent: error: internal error: exited before the command completed\n');
    process.exitCode = 1;
  }
});
