'use strict';

// leak-detector-agent: optional in-app companion of the leak-detector CLI.
//
//   const agent = require('leak-detector-agent');
//   const la = agent.create({ readinessPath: '/ready' });
//   http.createServer(la.wrap(handler));   // plain http
//   app.use(la.middleware());              // Express / Connect / any (req,res,next)
//
// See README.md for the options, the control channel and the CLI.

const { create, LeakDetectorAgent, DEFAULTS, ENV, AGENT_VERSION } = require('./lib/agent');
const { MemoryLeakSimulator, LeakedRequest } = require('./lib/simulator');
const { writeOwnHeapSnapshot, runFullGc } = require('./lib/snapshot');

module.exports = {
  create,
  LeakDetectorAgent,
  MemoryLeakSimulator,
  LeakedRequest,
  writeHeapSnapshot: writeOwnHeapSnapshot,
  runFullGc,
  DEFAULTS,
  ENV,
  version: AGENT_VERSION,
};
