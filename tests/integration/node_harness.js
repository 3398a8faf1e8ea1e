// Shared helpers for the Node.js client tests (ioredis_test.js, node_redis_test.js): start the
// real respcache binary, or Debian's redis-server to check the tests themselves, on a free
// loopback port; run named async cases in order and report like harness.run_tests does.
//
// Usage of a test: node <test>.js path/to/respcache
//                  node <test>.js redis-server     (the same cases against Redis 7.0)
// The client libraries come from tests/node_modules (scripts/install-deps.sh runs `npm ci`).
'use strict';

const assert = require('node:assert/strict');
const childProcess = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

for (const library of ['ioredis', 'redis']) {
  try {
    require.resolve(library);
  } catch {
    console.error(`${library} is not installed in tests/node_modules: run scripts/install-deps.sh ` +
      '(npm ci in tests/)');
    process.exit(1);
  }
}

/** A TCP port nothing listens on right now (bind to port 0, read, close). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the server named by argv (a respcache binary, or "redis-server") and waits until it
 * listens. Returns {port, kind, stop()}; stop() sends SIGTERM and resolves to the exit status.
 */
async function startServer(target) {
  const port = await freePort();
  let argv;
  let kind;
  if (target === 'redis-server') {
    kind = 'redis';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'respcache-node-redis-'));
    argv = ['/usr/bin/redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '',
      '--appendonly', 'no', '--dir', dir, '--protected-mode', 'no'];
  } else {
    kind = 'respcache';
    argv = [path.resolve(target), '--bind', '127.0.0.1', '--port', String(port), '--threads', '2',
      '--maxmemory', '256mb'];
  }
  const proc = childProcess.spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  let exited = null;
  const exit = new Promise((resolve) => proc.once('exit', (code, signal) => {
    exited = code === null ? `signal ${signal}` : code;
    resolve(exited);
  }));
  const deadline = Date.now() + 10000;
  while (!(await canConnect(port))) {
    if (exited !== null) throw new Error(`${argv[0]} exited early (${exited}):\n${log}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`nothing listened on port ${port} within 10 s`);
    }
    await sleep(20);
  }
  return {
    port,
    kind,
    alive: () => exited === null,
    log: () => log,
    async stop() {
      if (exited === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
      const status = await exit;
      clearTimeout(timer);
      return status;
    },
  };
}

/**
 * Runs `cases` ({name: async (server) => ...}) in order against the server argv names, each
 * with a fresh server state left to the case; prints one line per case and a summary, and
 * exits non-zero if any case failed or the server did not exit cleanly on SIGTERM.
 */
async function runCases(testName, cases) {
  const target = process.argv[2];
  if (!target || (target !== 'redis-server' && !fs.existsSync(target))) {
    console.error(`usage: node ${testName}.js path/to/respcache | redis-server`);
    process.exit(2);
  }
  const server = await startServer(target);
  const failures = [];
  for (const [name, fn] of Object.entries(cases)) {
    try {
      await fn(server);
      console.log(`${name} ... ok`);
    } catch (err) {
      failures.push(name);
      console.log(`${name} ... FAIL\n  ${(err && err.stack) || err}`);
    }
    if (!server.alive()) {
      failures.push(`${name}: the server exited`);
      break;
    }
  }
  const status = await server.stop();
  const log = server.log();
  const sanitizer = ['Sanitizer', 'runtime error:'].filter((m) => log.includes(m));
  if (server.kind === 'respcache' && (status !== 0 || sanitizer.length)) {
    failures.push(`server exit status ${status} after SIGTERM, found ${sanitizer}; log ends:\n` +
      log.slice(-4000));
  }
  const count = Object.keys(cases).length;
  console.log(`${testName} (${server.kind}): ${failures.length ? 'FAIL' : 'PASS'}: ${count} cases, ` +
    `${failures.length} failures${failures.length ? `: ${failures.join(', ')}` : ''}`);
  process.exit(failures.length ? 1 : 0);
}

module.exports = { assert, runCases, sleep };
