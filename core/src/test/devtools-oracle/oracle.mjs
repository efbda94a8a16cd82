#!/usr/bin/env node
// DevTools heap snapshot oracle: runs Chrome DevTools' own heap snapshot worker
// code (bundled into dist/devtools-heap.mjs by build.mjs) on .heapsnapshot
// files and prints what the Memory panel would show, as JSON on stdout.
//
//   node oracle.mjs summary FILE [--nodes OUT.tsv] [--quiet] [--pretty] [--lenient]
//   node oracle.mjs diff BEFORE AFTER [--quiet] [--pretty] [--lenient]
//
// stdout: exactly one JSON object (see README.md). stderr: progress and
// problem messages. Exit status: 0 ok, 1 broken/unreadable snapshot or other
// failure (one line "oracle: error: ..." on stderr), 2 usage error.
// Prefer run.sh, which builds the bundle if needed and sets a large heap.

import * as fs from 'node:fs';
import * as path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const BUNDLE = path.join(here, 'dist', 'devtools-heap.mjs');

const USAGE = `usage:
  oracle.mjs summary FILE [--nodes OUT.tsv] [--quiet] [--pretty] [--lenient]
  oracle.mjs diff BEFORE AFTER [--quiet] [--pretty] [--lenient]`;

// Chunk size used to feed the loader. The file is streamed; the loader keeps
// only its current parsing window (plus, like DevTools, the "strings" tail).
// ORACLE_CHUNK_BYTES overrides it (for testing chunk-boundary handling).
const CHUNK_BYTES = Number(process.env.ORACLE_CHUNK_BYTES) || 4 * 1024 * 1024;

// Distance DevTools assigns to nodes its BFS never reached (HeapSnapshot#noDistance).
const NO_DISTANCE = -5;

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = {command: null, files: [], nodes: null, quiet: false, pretty: false, lenient: false};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--nodes') {
      if (i + 1 >= argv.length) {
        throw new UsageError('--nodes needs a file name');
      }
      opts.nodes = argv[++i];
    } else if (a.startsWith('--nodes=')) {
      opts.nodes = a.slice('--nodes='.length);
    } else if (a === '--quiet' || a === '-q') {
      opts.quiet = true;
    } else if (a === '--pretty') {
      opts.pretty = true;
    } else if (a === '--lenient') {
      opts.lenient = true;
    } else if (a === '--help' || a === '-h') {
      process.stderr.write(USAGE + '\n');
      process.exit(0);
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option ${a}`);
    } else if (opts.command === null) {
      opts.command = a;
    } else {
      opts.files.push(a);
    }
  }
  if (opts.command === 'summary') {
    if (opts.files.length !== 1) {
      throw new UsageError('summary needs exactly one FILE');
    }
  } else if (opts.command === 'diff') {
    if (opts.files.length !== 2) {
      throw new UsageError('diff needs BEFORE and AFTER');
    }
    if (opts.nodes) {
      throw new UsageError('--nodes is only supported by summary');
    }
  } else {
    throw new UsageError(opts.command ? `unknown command ${opts.command}` : 'missing command');
  }
  return opts;
}

let quiet = false;
const t0 = performance.now();
function log(message) {
  if (!quiet) {
    process.stderr.write(`[oracle ${((performance.now() - t0) / 1000).toFixed(1)}s] ${message}\n`);
  }
}
function ms(start) {
  return Math.round(performance.now() - start);
}

async function loadBundle() {
  if (!fs.existsSync(BUNDLE)) {
    throw new Error(`${BUNDLE} is missing; run \`npm ci && npm run build\` in ${here} (or use run.sh)`);
  }
  return import(pathToFileURL(BUNDLE).href);
}

/**
 * Loads one snapshot the way the DevTools heap snapshot worker does
 * (HeapSnapshotLoader.write/close/buildSnapshot), with the secondary init work
 * running on a MessageChannel in this thread (as createJSHeapSnapshotForTesting).
 * Returns {snapshot, problems, unreachable, timings}.
 */
async function loadSnapshot(devtools, file, label, lenient) {
  const problems = [];
  let lastStatus = '';
  // Stand-in for HeapSnapshotWorkerDispatcher: receives HeapSnapshotProgress events.
  const dispatcher = {
    sendEvent(eventName, payload) {
      if (eventName === 'BrokenSnapshot') {
        problems.push(String(payload));
        process.stderr.write(`[oracle] ${label}: problem: ${payload}\n`);
        return;
      }
      let text = String(payload);
      try {
        text = JSON.parse(payload).string;  // serializeUIString -> {string, values}
      } catch {
      }
      if (text !== lastStatus) {  // skip per-chunk percentage updates
        lastStatus = text;
        log(`${label}: ${text.replace(' {PH1}%', '')}`);
      }
    },
  };

  const stat = fs.statSync(file);  // throws ENOENT etc. early, with the path in the message
  if (!stat.isFile()) {
    throw new Error(`${file} is not a regular file`);
  }
  log(`${label}: reading ${file} (${(stat.size / 1048576).toFixed(1)} MB)`);

  const tLoad = performance.now();
  const loader = new devtools.HeapSnapshotLoader(dispatcher);
  let parseError = null;
  loader.parsingComplete.catch(e => {
    parseError = e;
  });
  const stream = fs.createReadStream(file, {encoding: 'utf8', highWaterMark: CHUNK_BYTES});
  try {
    for await (const chunk of stream) {
      if (parseError) {
        break;  // the loader gave up; do not buffer the rest of the file
      }
      loader.write(chunk);
      // Let the parser consume the chunk before reading the next one, so
      // chunks never pile up in the loader's queue.
      await new Promise(resolve => setImmediate(resolve));
    }
  } finally {
    stream.destroy();
  }
  loader.close();
  try {
    await loader.parsingComplete;
  } catch (e) {
    throw new Error(`${label}: cannot parse ${file}: ${e?.message ?? e}`);
  }
  const parseMs = ms(tLoad);

  // Problem reports from the dominator computation arrive via console.warn
  // (HeapSnapshot.startInitStep1InSecondThread); capture and forward them.
  const tBuild = performance.now();
  const channel = new MessageChannel();
  new devtools.SecondaryInitManager(channel.port2);
  const originalWarn = console.warn;
  console.warn = (...args) => {
    const text = args.map(String).join(' ');
    problems.push(text);
    process.stderr.write(`[oracle] ${label}: problem: ${text.split('\n').slice(0, 12).join('\n    ')}\n`);
  };
  let snapshot;
  try {
    snapshot = await loader.buildSnapshot(channel.port1);
  } catch (e) {
    throw new Error(`${label}: cannot process ${file}: ${e?.message ?? e}`);
  } finally {
    console.warn = originalWarn;
    channel.port1.close();
    channel.port2.close();
  }
  const buildMs = ms(tBuild);

  for (const p of structuralProblems(snapshot)) {
    if (!lenient) {
      throw new Error(`${label}: inconsistent snapshot ${file}: ${p} (--lenient shows what DevTools makes of it)`);
    }
    problems.push(`inconsistent snapshot: ${p}`);
    process.stderr.write(`[oracle] ${label}: problem: inconsistent snapshot: ${p}\n`);
  }

  let unreachableFromRoot = 0;
  let stillUnreachable = 0;
  for (const p of problems) {
    const m1 = /(\d+) nodes are unreachable from the root/.exec(p);
    if (m1) {
      unreachableFromRoot += Number(m1[1]);
    }
    const m2 = /Still found (\d+) unreachable nodes/.exec(p);
    if (m2) {
      stillUnreachable += Number(m2[1]);
    }
  }
  let noDistance = 0;
  for (let i = 0; i < snapshot.nodeCount; i++) {
    if (snapshot.nodeDistances[i] === NO_DISTANCE) {
      noDistance++;
    }
  }
  log(`${label}: ${snapshot.nodeCount} nodes, parse ${parseMs} ms, process ${buildMs} ms`);
  return {
    snapshot,
    problems,
    unreachable: {fromRoot: unreachableFromRoot, stillUnreachable, noDistance},
    timings: {parse: parseMs, build: buildMs},
  };
}

/**
 * Structural checks DevTools itself does not make (it silently shows numbers
 * for such files). Returns a list of problems; empty if consistent.
 */
function structuralProblems(snapshot) {
  const problems = [];
  const {nodes, nodeCount, nodeFieldCount, containmentEdges, edgeFieldsCount, edgeToNodeOffset} = snapshot;
  const edgeCountOffset = snapshot.profile.snapshot.meta.node_fields.indexOf('edge_count');
  let edgeCountSum = 0;
  for (let ordinal = 0; ordinal < nodeCount; ordinal++) {
    edgeCountSum += nodes.getValue(ordinal * nodeFieldCount + edgeCountOffset);
  }
  const edgeCount = containmentEdges.length / edgeFieldsCount;
  if (edgeCountSum !== edgeCount) {
    problems.push(`sum of node edge_count is ${edgeCountSum} but the snapshot has ${edgeCount} edges`);
  }
  const nodesLength = nodes.length;
  for (let i = edgeToNodeOffset; i < containmentEdges.length; i += edgeFieldsCount) {
    const to = containmentEdges.getValue(i);
    if (to >= nodesLength || to % nodeFieldCount !== 0) {
      problems.push(`edge ${(i - edgeToNodeOffset) / edgeFieldsCount} points to invalid node index ${to}`);
      break;
    }
  }
  return problems;
}

function basics(snapshot) {
  return {
    nodeCount: snapshot.nodeCount,
    edgeCount: snapshot.containmentEdges.length / snapshot.edgeFieldsCount,
    totalSize: snapshot.totalSize,
    rootNodeOrdinal: snapshot.rootNodeIndex / snapshot.nodeFieldCount,
  };
}

function compareKeys(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function escapeTsv(s) {
  return String(s).replace(/[\\\t\n\r]/g, c => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

function writeNodesTsv(snapshot, outFile) {
  const tmp = `${outFile}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, 'ordinal\tid\ttype\tclassName\tselfSize\tretainedSize\tdominatorOrdinal\tdistance\n');
    const {nodeCount, nodeFieldCount, dominatorsTree, nodeDistances, retainedSizes} = snapshot;
    const node = snapshot.createNode(0);
    const BATCH = 65536;
    let lines = [];
    for (let ordinal = 0; ordinal < nodeCount; ordinal++) {
      node.nodeIndex = ordinal * nodeFieldCount;
      lines.push(`${ordinal}\t${node.id()}\t${escapeTsv(node.type())}\t${escapeTsv(node.className())}\t${
          node.selfSize()}\t${retainedSizes[ordinal]}\t${dominatorsTree[ordinal]}\t${nodeDistances[ordinal]}`);
      if (lines.length === BATCH) {
        fs.writeSync(fd, lines.join('\n') + '\n');
        lines = [];
      }
    }
    if (lines.length) {
      fs.writeSync(fd, lines.join('\n') + '\n');
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, outFile);
}

async function summary(devtools, opts) {
  const file = opts.files[0];
  const loaded = await loadSnapshot(devtools, file, 'snapshot', opts.lenient);
  const {snapshot} = loaded;

  const tAgg = performance.now();
  // Memory panel > Summary > "All objects": HeapSnapshotConstructorsDataGrid
  // calls aggregatesWithFilter(new NodeFilter()) == getAggregatesByClassKey(false, 'allObjects').
  const aggregates = snapshot.aggregatesWithFilter({});
  const classes = [];
  let sumSelf = 0;
  let sumCount = 0;
  for (const key in aggregates) {
    const a = aggregates[key];
    classes.push({key, name: a.name, count: a.count, selfSize: a.self, retainedSize: a.maxRet, distance: a.distance});
    sumSelf += a.self;
    sumCount += a.count;
  }
  // DevTools' default sort for this grid: retained size, descending (ties: key).
  classes.sort((x, y) => (y.retainedSize - x.retainedSize) || compareKeys(x.key, y.key));
  const aggregatesMs = ms(tAgg);

  let nodesTsvMs;
  if (opts.nodes) {
    const tTsv = performance.now();
    writeNodesTsv(snapshot, opts.nodes);
    nodesTsvMs = ms(tTsv);
    log(`wrote ${opts.nodes}`);
  }

  const result = {
    ...basics(snapshot),
    classCount: classes.length,
    classesCountSum: sumCount,
    classesSelfSizeSum: sumSelf,
    unreachable: loaded.unreachable,
    problems: loaded.problems,
    classes,
    timings: {
      ...loaded.timings,
      aggregates: aggregatesMs,
      ...(nodesTsvMs === undefined ? {} : {nodesTsv: nodesTsvMs}),
      total: ms(t0),
    },
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  return result;
}

async function diff(devtools, opts) {
  const [beforeFile, afterFile] = opts.files;
  // Same order of calls as HeapSnapshotDiffDataGrid.populateChildren():
  //   interfaceDefinitions = snapshot.interfaceDefinitions()
  //   aggregatesForDiff = baseSnapshot.aggregatesForDiff(interfaceDefinitions)
  //   snapshot.calculateSnapshotDiff(baseSnapshot.uid, aggregatesForDiff)
  const after = await loadSnapshot(devtools, afterFile, 'after', opts.lenient);
  const interfaceDefinitions = after.snapshot.interfaceDefinitions();
  let before = await loadSnapshot(devtools, beforeFile, 'before', opts.lenient);
  const beforeBasics = basics(before.snapshot);
  const beforeInfo = {unreachable: before.unreachable, problems: before.problems, timings: before.timings};

  const tAgg = performance.now();
  // aggregatesForDiff re-classifies the base's plain objects with the AFTER
  // snapshot's interface definitions (applyInterfaceDefinitions also drops any
  // cached aggregates, so this does not depend on what was computed before).
  const aggregatesForDiff = before.snapshot.aggregatesForDiff(interfaceDefinitions);
  const aggregatesForDiffMs = ms(tAgg);
  before = null;  // only aggregatesForDiff is needed from here on
  globalThis.gc?.();

  const tDiff = performance.now();
  const BASE_SNAPSHOT_ID = 1;
  const diffByClassKey = after.snapshot.calculateSnapshotDiff(BASE_SNAPSHOT_ID, aggregatesForDiff);
  const classes = [];
  for (const key in diffByClassKey) {
    const d = diffByClassKey[key];
    classes.push({
      key,
      name: d.name,
      addedCount: d.addedCount,
      removedCount: d.removedCount,
      addedSize: d.addedSize,
      removedSize: d.removedSize,
      countDelta: d.countDelta,
      sizeDelta: d.sizeDelta,
    });
  }
  // DevTools' default sort for the Comparison grid: "Alloc. Size" (addedSize), descending (ties: key).
  classes.sort((x, y) => (y.addedSize - x.addedSize) || compareKeys(x.key, y.key));
  const diffMs = ms(tDiff);

  return {
    before: {...beforeBasics, ...beforeInfo},
    after: {...basics(after.snapshot), unreachable: after.unreachable, problems: after.problems, timings: after.timings},
    classCount: classes.length,
    classes,
    timings: {
      parseAfter: after.timings.parse,
      buildAfter: after.timings.build,
      parseBefore: beforeInfo.timings.parse,
      buildBefore: beforeInfo.timings.build,
      aggregatesForDiff: aggregatesForDiffMs,
      calculateSnapshotDiff: diffMs,
      total: ms(t0),
    },
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

function oneLine(e) {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\s*\n\s*/g, ' | ');
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`oracle: ${e.message}\n${USAGE}\n`);
      process.exit(2);
    }
    throw e;
  }
  quiet = opts.quiet;
  const devtools = await loadBundle();
  const result = opts.command === 'summary' ? await summary(devtools, opts) : await diff(devtools, opts);
  const json = opts.pretty ? JSON.stringify(result, null, 2) : JSON.stringify(result);
  // Exit explicitly: the DevTools code leaves MessagePorts/listeners behind.
  process.stdout.write(json + '\n', () => process.exit(0));
}

// Anything that escapes (including async errors from the DevTools code) is a failure.
process.on('unhandledRejection', e => {
  process.stderr.write(`oracle: error: ${oneLine(e)}\n`);
  process.exit(1);
});
main().catch(e => {
  if (!quiet && e instanceof Error && e.stack && process.env.ORACLE_DEBUG) {
    process.stderr.write(e.stack + '\n');
  }
  process.stderr.write(`oracle: error: ${oneLine(e)}\n`);
  process.exit(1);
});
