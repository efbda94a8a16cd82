#!/usr/bin/env node
'use strict';
// Renders bench/run-capture.sh's runs.jsonl as the Markdown table of docs/performance.md ("Capture").
//   node bench/capture/table.js runs.jsonl
const fs = require('node:fs');

const runs = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
const METHOD = { cdp: '`leak-detector snapshot --pid` (CDP)', write: '`v8.writeHeapSnapshot` in the target' };
const rows = [
  '| heap shape | heapUsed | nodes / file | method | generation | first chunk → closed file | target pause | target peak RSS (increase) | increase ÷ heapUsed | leak-detector JVM peak RSS | load |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const r of runs) {
  rows.push(`| ${r.shape} | ${r.heapUsedMB} MiB | ${(r.nodes / 1e6).toFixed(1)} M / ${r.fileMB} MiB | ${METHOD[r.method]} | `
    + `${r.generationS} s | ${r.transferS} s = **${r.mbPerS} MiB/s** | **${r.pauseS} s** | `
    + `${(r.peakRssMB / 1024).toFixed(2)} GiB (+${(r.rssIncreaseMB / 1024).toFixed(2)} GiB) | ${r.costFactor}× | `
    + `${r.cliPeakRssMB === null ? '–' : (r.cliPeakRssMB / 1024).toFixed(2) + ' GiB'} | ${r.load1.toFixed(1)} |`);
}
process.stdout.write(rows.join('\n') + '\n');
