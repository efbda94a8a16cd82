'use strict';

// `leak-detector-agent internal-snapshot` and the client commands, run as a
// real CLI process against real child Node processes.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');
const { listTargets } = require('../lib/inspector-client');
const {
  getFreePort,
  request,
  makeTmpDir,
  sleep,
  spawnFixture,
  killAndWait,
  runCli,
  readHeapSnapshot,
  waitFor,
  CLI,
} = require('./helpers');

let tmp;
before(() => {
  tmp = makeTmpDir();
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function assertSnapshotFile(file, marker) {
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.ok(!fs.existsSync(`${file}.partial`), 'no partial file left behind');
  const snap = readHeapSnapshot(file);
  assert.ok(snap.strings.includes(marker), 'the snapshot is of the target process');
}

/** Polls existence of a file while `promise` runs; resolves [result, everSeen]. */
async function watchFileDuring(file, promise) {
  let seen = false;
  let done = false;
  const poll = (async () => {
    while (!done) {
      if (fs.existsSync(file)) seen = true;
      await sleep(10);
    }
  })();
  const result = await promise.finally(() => {
    done = true;
  });
  await poll;
  return [result, seen];
}

describe('internal-snapshot of a process WITHOUT the agent (SIGUSR1 + inspector)', () => {
  let app;
  let inspectPort;
  let unusedAgentPort;
  const marker = `marker-${crypto.randomUUID()}`;

  before(async () => {
    inspectPort = await getFreePort();
    unusedAgentPort = await getFreePort();
    app = await spawnFixture('plain-app.js', {
      execArgv: [`--inspect-port=${inspectPort}`],
      env: { TEST_MARKER: marker },
    });
  });
  after(() => app.kill());

  const args = (file, extra = []) => [
    'internal-snapshot',
    '--file', file,
    '--pid', String(app.child.pid),
    '--inspect-port', String(inspectPort),
    '--agent-port', String(unusedAgentPort),
    '--maintenance-grace', '200',
    ...extra,
  ];

  test('streams a valid snapshot, maintenance file created during and removed after', async () => {
    await assert.rejects(listTargets(inspectPort), 'inspector closed before');
    const maintenanceFile = path.join(tmp, 'maintenance-plain');
    const file = path.join(tmp, 'plain', 'snap.heapsnapshot');
    const [res, fileSeen] = await watchFileDuring(
      maintenanceFile,
      runCli(args(file, ['--maintenance-file', maintenanceFile])),
    );
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    assert.equal(out.method, 'inspector');
    assert.equal(out.maintenance, 'file');
    assert.equal(out.pid, app.child.pid);
    assert.equal(out.file, file);
    assert.equal(out.bytes, fs.statSync(file).size);
    assertSnapshotFile(file, marker);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.ok(fileSeen, 'maintenance file existed during the run');
    assert.ok(!fs.existsSync(maintenanceFile), 'maintenance file removed afterwards');
    assert.match(res.stderr, /sending SIGUSR1/);

    // The app is alive and serving.
    assert.equal((await request(app.port, { path: '/' })).status, 200);
  });

  test('a second snapshot reuses the already open inspector; an existing maintenance file is left alone', async () => {
    const maintenanceFile = path.join(tmp, 'maintenance-preexisting');
    fs.writeFileSync(maintenanceFile, 'operator\n');
    const file = path.join(tmp, 'plain', 'snap2.heapsnapshot');
    const res = await runCli(args(file, ['--maintenance-file', maintenanceFile]));
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /already listens/);
    assertSnapshotFile(file, marker);
    assert.equal(fs.readFileSync(maintenanceFile, 'utf8'), 'operator\n', 'not ours: kept');
  });

  test('--maintenance-file none skips maintenance entirely', async () => {
    const file = path.join(tmp, 'plain', 'snap3.heapsnapshot');
    const res = await runCli(args(file, ['--maintenance-file', 'none', '--maintenance-grace', '0']));
    assert.equal(res.code, 0, res.stderr);
    assert.equal(JSON.parse(res.stdout).maintenance, 'none');
    assertSnapshotFile(file, marker);
  });

  test('an inspector port owned by another process is refused (exit 3), the process is not touched', async () => {
    const other = await spawnFixture('plain-app.js');
    try {
      const file = path.join(tmp, 'plain', 'wrong.heapsnapshot');
      const maintenanceFile = path.join(tmp, 'maintenance-wrong');
      const res = await runCli([
        'internal-snapshot', '--file', file, '--pid', String(other.child.pid),
        '--inspect-port', String(inspectPort), '--agent-port', '0',
        '--maintenance-file', maintenanceFile, '--maintenance-grace', '0',
      ]);
      assert.equal(res.code, 3, res.stderr);
      assert.match(res.stderr, /does not belong to pid/);
      assert.equal(res.stderr.trim().split('\n').filter((l) => /error:/.test(l)).length, 1, 'one error line');
      assert.ok(!fs.existsSync(file) && !fs.existsSync(`${file}.partial`));
      assert.ok(!fs.existsSync(maintenanceFile), 'maintenance left even on failure');
      assert.equal(other.child.exitCode, null, 'still running');
    } finally {
      await other.kill();
    }
  });
});

describe('internal-snapshot environment and usage errors', () => {
  test('inspector unreachable -> exit 3, nothing left behind', async () => {
    const app = await spawnFixture('plain-app.js', { execArgv: [`--inspect-port=${await getFreePort()}`] });
    try {
      const wrongPort = await getFreePort();
      const file = path.join(tmp, 'unreachable.heapsnapshot');
      const maintenanceFile = path.join(tmp, 'maintenance-unreachable');
      const res = await runCli([
        'internal-snapshot', '--file', file, '--pid', String(app.child.pid),
        '--inspect-port', String(wrongPort), '--inspector-timeout', '500', '--agent-port', '0',
        '--maintenance-file', maintenanceFile, '--maintenance-grace', '0',
      ]);
      assert.equal(res.code, 3, res.stderr);
      assert.match(res.stderr, /inspector unreachable on 127\.0\.0\.1:\d+/);
      assert.ok(!fs.existsSync(file) && !fs.existsSync(`${file}.partial`));
      assert.ok(!fs.existsSync(maintenanceFile));
    } finally {
      await app.kill();
    }
  });

  test('SIGTERM during the grace period still leaves maintenance (exit 130)', async () => {
    const app = await spawnFixture('plain-app.js');
    const maintenanceFile = path.join(tmp, 'maintenance-interrupted');
    const cli = spawn(process.execPath, [
      CLI, 'internal-snapshot', '--file', path.join(tmp, 'interrupted.heapsnapshot'), '--pid', String(app.child.pid),
      '--agent-port', '0', '--maintenance-file', maintenanceFile, '--maintenance-grace', '20000',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    cli.stderr.on('data', (c) => (stderr += c));
    try {
      await waitFor(() => fs.existsSync(maintenanceFile), { what: 'maintenance file' });
      cli.kill('SIGTERM');
      const code = await new Promise((r) => cli.on('close', r));
      assert.equal(code, 130, stderr);
      assert.match(stderr, /SIGTERM received/);
      assert.ok(!fs.existsSync(maintenanceFile), 'maintenance file removed');
    } finally {
      await killAndWait(cli);
      await app.kill();
    }
  });

  test('pid not found -> exit 3', async () => {
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => gone.on('exit', r));
    const res = await runCli(['internal-snapshot', '--file', path.join(tmp, 'x.heapsnapshot'), '--pid', String(gone.pid), '--agent-port', '0']);
    assert.equal(res.code, 3);
    assert.match(res.stderr, new RegExp(`^leak-detector-agent: error: no process with pid ${gone.pid}\\n$`));
  });

  test('a process that does not handle SIGUSR1 is refused, not killed -> exit 3', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await sleep(100);
      const res = await runCli([
        'internal-snapshot', '--file', path.join(tmp, 'x.heapsnapshot'), '--pid', String(sleeper.pid),
        '--agent-port', '0', '--maintenance-file', 'none',
      ]);
      assert.equal(res.code, 3, res.stderr);
      assert.match(res.stderr, /does not look like a Node\.js process|does not handle SIGUSR1/);
      await sleep(100);
      assert.equal(sleeper.exitCode, null);
      assert.equal(sleeper.signalCode, null, 'sleep was not signalled');
    } finally {
      await killAndWait(sleeper);
    }
  });

  test('the SIGUSR1 check reads the kernel signal masks', async () => {
    const { checkHandlesSigusr1 } = require('../lib/internal-snapshot');
    // sleep: default disposition (SIGUSR1 would kill it).
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    // a shell that ignores SIGUSR1.
    const ignorer = spawn('sh', ['-c', 'trap "" USR1; exec sleep 30'], { stdio: 'ignore' });
    try {
      await sleep(100);
      assert.throws(() => checkHandlesSigusr1(sleeper.pid), (err) => err.exitCode === 3 && /does not handle SIGUSR1/.test(err.message));
      assert.throws(() => checkHandlesSigusr1(ignorer.pid), (err) => err.exitCode === 3 && /ignores SIGUSR1/.test(err.message));
      // Node itself handles it.
      assert.doesNotThrow(() => checkHandlesSigusr1(process.pid));
    } finally {
      await killAndWait(sleeper);
      await killAndWait(ignorer);
    }
  });

  test('usage errors -> exit 2 with one line', async () => {
    const cases = [
      ['internal-snapshot'],
      ['internal-snapshot', '--file'],
      ['internal-snapshot', '--file', '/tmp/x.txt'],
      ['internal-snapshot', '--file', '/tmp/x.heapsnapshot', '--pid', 'abc'],
      ['internal-snapshot', '--file', '/tmp/x.heapsnapshot', '--bogus', '1'],
      ['internal-snapshot', '--file', '/tmp/x.heapsnapshot', '--maintenance-grace=-5'],
      ['internal-snapshot', '--file', '/tmp/x.heapsnapshot', 'extra'],
      ['frobnicate'],
      ['maintenance', 'sideways'],
      ['maintenance'],
    ];
    // In-process (same code as the binary, without 10 node start-ups)...
    const { main } = require('../lib/cli');
    for (const argv of cases) {
      let stderr = '';
      const io = { stdout: { write() {} }, stderr: { write: (t) => (stderr += t) }, env: {} };
      const code = await main(argv, io);
      assert.equal(code, 2, `${argv.join(' ')}: ${stderr}`);
      assert.match(stderr, /^leak-detector-agent: error: .+\n$/, argv.join(' '));
    }
    // ...and once through the real binary.
    const res = await runCli(cases[0]);
    assert.equal(res.code, 2);
    assert.equal(res.stderr, 'leak-detector-agent: error: internal-snapshot needs --file PATH\n');
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /internal-snapshot --file PATH/);
    const version = await runCli(['--version']);
    assert.equal(version.stdout.trim(), require('../package.json').version);
  });
});

describe('internal-snapshot of a process WITH the agent', () => {
  let app;
  let agentPort;
  const marker = `marker-${crypto.randomUUID()}`;

  before(async () => {
    agentPort = await getFreePort();
    app = await spawnFixture('agent-app.js', {
      env: { LEAK_DETECTOR_AGENT_PORT: String(agentPort), TEST_MARKER: marker },
    });
  });
  after(() => app.kill());

  test('uses the control channel: drains in-flight requests, snapshots, leaves maintenance', async () => {
    const file = path.join(tmp, 'agent', 'snap.heapsnapshot');
    // Requests in flight when the snapshot starts must all complete.
    const inFlight = Array.from({ length: 5 }, () => request(app.port, { path: '/work' }));
    await sleep(50);
    // No --pid: the agent's pid is the default target.
    const res = await runCli(['internal-snapshot', '--file', file, '--agent-port', String(agentPort), '--maintenance-grace', '5000']);
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    assert.equal(out.method, 'agent');
    assert.equal(out.maintenance, 'agent');
    assert.equal(out.drained, true);
    assert.equal(out.pid, app.child.pid);
    assert.equal(out.bytes, fs.statSync(file).size);
    assertSnapshotFile(file, marker);
    for (const r of await Promise.all(inFlight)) assert.equal(r.status, 200);

    assert.deepEqual(
      app.stdoutLines.filter((l) => l.startsWith('MAINTENANCE')),
      ['MAINTENANCE on control', 'MAINTENANCE off null'],
    );
    const status = await request(agentPort, { path: '/status' });
    assert.equal(status.json.maintenance, false);
    assert.equal((await request(app.port, { path: '/ready' })).status, 200);
  });

  test('an agent of another pid is not used; the inspector path is taken instead', async () => {
    const inspectPort = await getFreePort();
    const plain = await spawnFixture('plain-app.js', { execArgv: [`--inspect-port=${inspectPort}`], env: { TEST_MARKER: marker } });
    try {
      const file = path.join(tmp, 'agent', 'other.heapsnapshot');
      const res = await runCli([
        'internal-snapshot', '--file', file, '--pid', String(plain.child.pid), '--agent-port', String(agentPort),
        '--inspect-port', String(inspectPort), '--maintenance-file', 'none', '--maintenance-grace', '0',
      ]);
      assert.equal(res.code, 0, res.stderr);
      assert.equal(JSON.parse(res.stdout).method, 'inspector');
      assert.match(res.stderr, /runs in pid \d+, not \d+/);
    } finally {
      await plain.kill();
    }
  });

  test('client commands: status, maintenance on/off, gc', async () => {
    const port = ['--agent-port', String(agentPort)];
    const status = await runCli(['status', ...port]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).pid, app.child.pid);

    const on = await runCli(['maintenance', 'on', '--drain-timeout', '1000', ...port]);
    assert.equal(on.code, 0, on.stderr);
    assert.deepEqual(JSON.parse(on.stdout), { maintenance: true, maintenanceSource: 'control', inFlight: 0, drained: true });
    assert.equal((await request(app.port, { path: '/ready' })).status, 503);

    const off = await runCli(['maintenance', 'off', ...port]);
    assert.equal(off.code, 0, off.stderr);
    assert.equal(JSON.parse(off.stdout).maintenance, false);
    assert.equal((await request(app.port, { path: '/ready' })).status, 200);

    const gc = await runCli(['gc', ...port]);
    assert.equal(gc.code, 0, gc.stderr);
    assert.equal(typeof JSON.parse(gc.stdout).after.heapUsed, 'number');

    // The env var works as the port, too.
    const viaEnv = await runCli(['status'], { env: { LEAK_DETECTOR_AGENT_PORT: String(agentPort) } });
    assert.equal(viaEnv.code, 0);

    const nobody = await runCli(['status', '--agent-port', String(await getFreePort())]);
    assert.equal(nobody.code, 3);
    assert.match(nobody.stderr, /no agent answering/);
  });
});

describe('agent with a token', () => {
  test('the CLI needs LEAK_DETECTOR_AGENT_TOKEN; without it: exit 3, nothing changed', async () => {
    const agentPort = await getFreePort();
    const marker = `marker-${crypto.randomUUID()}`;
    const app = await spawnFixture('agent-app.js', {
      env: { LEAK_DETECTOR_AGENT_PORT: String(agentPort), LEAK_DETECTOR_AGENT_TOKEN: 'tok-123', TEST_MARKER: marker },
    });
    try {
      const file = path.join(tmp, 'token', 'snap.heapsnapshot');
      const base = ['internal-snapshot', '--file', file, '--pid', String(app.child.pid), '--agent-port', String(agentPort)];
      const denied = await runCli(base, { env: { LEAK_DETECTOR_AGENT_TOKEN: '' } });
      assert.equal(denied.code, 3, denied.stderr);
      assert.match(denied.stderr, /requires a token/);
      assert.ok(!app.stdoutLines.some((l) => l.startsWith('MAINTENANCE')));

      const deniedStatus = await runCli(['status', '--agent-port', String(agentPort)], { env: { LEAK_DETECTOR_AGENT_TOKEN: 'wrong' } });
      assert.equal(deniedStatus.code, 3);

      const ok = await runCli(base, { env: { LEAK_DETECTOR_AGENT_TOKEN: 'tok-123' } });
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(JSON.parse(ok.stdout).method, 'agent');
      assertSnapshotFile(file, marker);
    } finally {
      await app.kill();
    }
  });
});
