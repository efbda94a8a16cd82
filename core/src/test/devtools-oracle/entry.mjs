// Bundle entry: the parts of Chrome DevTools' heap snapshot worker that the oracle needs.
// build.mjs bundles this file, together with everything it imports from
// node_modules/chrome-devtools-frontend, into dist/devtools-heap.mjs.
export {HeapSnapshotLoader} from 'chrome-devtools-frontend/front_end/entrypoints/heap_snapshot_worker/HeapSnapshotLoader.js';
export {
  HeapSnapshot,
  HeapSnapshotProgress,
  JSHeapSnapshot,
  SecondaryInitManager,
} from 'chrome-devtools-frontend/front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.js';
