// Builds dist/devtools-heap.mjs: Chrome DevTools' heap snapshot worker code
// (from node_modules/chrome-devtools-frontend, pinned in package.json) bundled
// by esbuild into one ESM file that runs under Node.js 20.
//
// Two adaptations are applied, nothing else is changed:
//  * core/i18n imports a `locales.js` that the DevTools build generates; it is
//    not in the npm package, so it is replaced by a small stub (en-US only).
//  * Node 20 has no Promise.withResolvers (used by the loader and the
//    secondary init manager); a spec-equivalent polyfill is put in front.
//
// Usage: `npm run build` (or `node build.mjs`). Always rebuilds; the output is
// written to a temporary file and renamed, so reruns and concurrent readers
// are safe. Also writes dist/build-info.json and dist/.stamp (see run.sh).

import {createHash} from 'node:crypto';
import * as fs from 'node:fs';
import {createRequire} from 'node:module';
import * as path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const pkg = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'));

function fail(message) {
  console.error(`build.mjs: ${message}`);
  process.exit(1);
}

function installedVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(here, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

// Refuse to build from anything but the exact pinned versions.
const versions = {};
for (const name of ['chrome-devtools-frontend', 'esbuild']) {
  const wanted = pkg.devDependencies[name];
  const got = installedVersion(name);
  if (got === null) {
    fail(`${name} is not installed; run \`npm ci\` in ${here}`);
  }
  if (got !== wanted) {
    fail(`${name} ${got} is installed but package.json pins ${wanted}; run \`npm ci\``);
  }
  versions[name] = got;
}

const esbuild = require('esbuild');

const LOCALES_STUB = `
export const LOCALES = ['en-US'];
export const BUNDLED_LOCALES = ['en-US'];
export const DEFAULT_LOCALE = 'en-US';
export const REMOTE_FETCH_PATTERN = '';
export const LOCAL_FETCH_PATTERN = '';
`;

const POLYFILL = `// Added by leak-detector devtools-oracle build.mjs: Node 20 lacks Promise.withResolvers.
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers() {
      let resolve, reject;
      const promise = new this((res, rej) => { resolve = res; reject = rej; });
      return {promise, resolve, reject};
    },
  });
}`;

const localesStubPlugin = {
  name: 'devtools-locales-stub',
  setup(build) {
    build.onResolve({filter: /(^|\/)locales\.js$/}, args => {
      if (!args.importer.split(path.sep).join('/').includes('/front_end/core/i18n/')) {
        return undefined;
      }
      return {path: 'devtools-locales-stub', namespace: 'devtools-oracle-stub'};
    });
    build.onLoad({filter: /.*/, namespace: 'devtools-oracle-stub'}, () => ({contents: LOCALES_STUB, loader: 'js'}));
  },
};

const distDir = path.join(here, 'dist');
const outFile = path.join(distDir, 'devtools-heap.mjs');
fs.mkdirSync(distDir, {recursive: true});
const tmpFile = path.join(distDir, `.devtools-heap.${process.pid}.tmp.mjs`);

let result;
try {
  result = await esbuild.build({
    absWorkingDir: here,
    entryPoints: [path.join(here, 'entry.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: tmpFile,
    banner: {js: POLYFILL},
    plugins: [localesStubPlugin],
    metafile: true,
    legalComments: 'inline',
    logLevel: 'warning',
  });
} catch (e) {
  fs.rmSync(tmpFile, {force: true});
  fail(`esbuild failed: ${e.message}`);
}
if (!Object.keys(result.metafile.inputs).some(p => p.startsWith('devtools-oracle-stub:'))) {
  fs.rmSync(tmpFile, {force: true});
  fail('the locales.js stub was not used; the DevTools i18n layout changed?');
}
fs.renameSync(tmpFile, outFile);

// Stamp = hash of everything the bundle depends on; run.sh rebuilds when it changes.
const stamp = createHash('sha256');
for (const f of ['package-lock.json', 'build.mjs', 'entry.mjs']) {
  stamp.update(fs.readFileSync(path.join(here, f)));
}
const info = {
  versions,
  node: process.version,
  inputs: Object.keys(result.metafile.inputs).length,
  bytes: fs.statSync(outFile).size,
};
fs.writeFileSync(path.join(distDir, 'build-info.json'), JSON.stringify(info, null, 2) + '\n');
fs.writeFileSync(path.join(distDir, '.stamp'), stamp.digest('hex') + '\n');
console.error(`build.mjs: wrote ${path.relative(here, outFile)} (${info.bytes} bytes, ${info.inputs} inputs, ` +
              `chrome-devtools-frontend ${versions['chrome-devtools-frontend']}, esbuild ${versions.esbuild})`);
