// A replacement that dies at once: the Docker tests start it with --image to see the run fail
// cleanly at the replacement step.
'use strict';
console.error('broken on purpose: exiting with code 3');
process.exit(3);
