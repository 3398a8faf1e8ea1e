// node-redis 6 (tests/package.json's "redis6" alias) against the real respcache binary with
// default options: its connect() sends HELLO 3, so every reply here comes back in RESP3
// (maps, `_` nulls), which node_redis_test.js's node-redis 5 never asks for.
//
// Usage: node node_redis6_test.js path/to/respcache
//        node node_redis6_test.js redis-server     (checks the cases themselves against Redis 7.0)
'use strict';

const { createClient } = require('redis6');
const { assert, runCases } = require('./node_harness');

/** Runs fn(client) on a default-options client after FLUSHALL; destroys it after. */
async function withClient(server, fn) {
  const client = createClient({
    url: `redis://127.0.0.1:${server.port}`,
    socket: { reconnectStrategy: false, connectTimeout: 10000 },
  });
  const errors = [];
  client.on('error', (err) => errors.push(err));
  await client.connect();
  try {
    await client.flushAll();
    await fn(client);
    assert.deepEqual(errors, []);
  } finally {
    client.destroy();
  }
}

/** A RESP3 map as node-redis hands it back (an object or a Map), as a plain object. */
function plain(map) {
  return map instanceof Map ? Object.fromEntries(map) : map;
}

runCases('node_redis6_test', {
  async hello_is_resp3(server) {
    await withClient(server, async (client) => {
      const hello = plain(await client.sendCommand(['HELLO']));
      assert.equal(hello.proto, 3);
      assert.equal(hello.server, 'redis');
      assert.equal(hello.mode, 'standalone');
      assert.ok(Number.isInteger(hello.id), `id ${hello.id}`);
      const info = await client.sendCommand(['CLIENT', 'INFO']);
      assert.match(String(info), /\bresp=3\b/);
    });
  },

  async strings(server) {
    await withClient(server, async (client) => {
      assert.equal(await client.ping(), 'PONG');
      assert.equal(await client.set('k', 'v'), 'OK');
      assert.equal(await client.get('k'), 'v');
      assert.equal(await client.get('missing'), null);
      assert.equal(await client.set('once', '1', { NX: true, EX: 60 }), 'OK');
      assert.equal(await client.set('once', '2', { NX: true, EX: 60 }), null);
      assert.equal(await client.incrByFloat('f', 2.5), '2.5');
      assert.deepEqual(await client.mGet(['k', 'missing', 'once']), ['v', null, '1']);
      // A RESP3 map in both servers (a RESP2 array would not come back keyed).
      const config = plain(await client.configGet('maxmemory-policy'));
      assert.deepEqual(Object.keys(config), ['maxmemory-policy']);
      assert.equal(typeof config['maxmemory-policy'], 'string');
    });
  },

  async multi_exec(server) {
    await withClient(server, async (client) => {
      const results = await client.multi().set('m', '1').incr('m').get('m').get('none').exec();
      assert.deepEqual(results, ['OK', 2, '2', null]);
      const piped = await client.multi().set('n', 'x').append('n', 'y').execAsPipeline();
      assert.deepEqual(piped, ['OK', 2]);
      assert.equal(await client.get('n'), 'xy');
    });
  },

  async pipeline(server) {
    await withClient(server, async (client) => {
      // Commands issued together are written as one pipeline by node-redis.
      const writes = await Promise.all(
        Array.from({ length: 200 }, (_, i) => client.set(`p:${i}`, String(i))));
      assert.ok(writes.every((r) => r === 'OK'));
      const reads = await Promise.all(Array.from({ length: 200 }, (_, i) => client.get(`p:${i}`)));
      assert.deepEqual(reads, Array.from({ length: 200 }, (_, i) => String(i)));
    });
  },

  async scan_iterator(server) {
    await withClient(server, async (client) => {
      const keys = Array.from({ length: 300 }, (_, i) => `s:${i}`);
      await client.mSet(keys.map((k) => [k, '1']));
      await client.set('other', '1');
      const seen = new Set();
      for await (const batch of client.scanIterator({ MATCH: 's:*', COUNT: 20 })) {
        for (const key of [].concat(batch)) seen.add(key);
      }
      assert.deepEqual([...seen].sort(), keys.sort());
    });
  },
});
