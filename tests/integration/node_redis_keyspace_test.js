// node-redis's keyspace API against the real respcache binary: scanIterator({MATCH}),
// keys(), and databases other than 0 (a redis://host:port/1 URL, select()); every write read
// back.
//
// Usage: node node_redis_keyspace_test.js path/to/respcache
//        node node_redis_keyspace_test.js redis-server  (checks the cases themselves)
'use strict';

const { assert, runCases } = require('./node_harness');
const { nodeRedisClient: connected, withNodeRedis: withClient } = require('./node_clients');

// v5 yields a batch of keys per SCAN reply; v4 yielded keys one at a time.
async function scanAll(client, options) {
  const seen = [];
  for await (const item of client.scanIterator(options)) {
    if (Array.isArray(item)) seen.push(...item);
    else seen.push(item);
  }
  return seen;
}

runCases('node_redis_keyspace_test', {
  async scan_iterator_and_keys(server) {
    await withClient(server, async (client) => {
      const users = [];
      const writes = [];
      for (let i = 0; i < 300; i++) {
        users.push(`user:${i}`);
        writes.push(client.set(`user:${i}`, String(i)));  // auto-pipelined
      }
      for (let i = 0; i < 50; i++) writes.push(client.set(`order:${i}`, String(i)));
      await Promise.all(writes);
      const scanned = await scanAll(client, { MATCH: 'user:*', COUNT: 25 });
      assert.deepEqual([...new Set(scanned)].sort(), users.slice().sort());
      assert.equal(new Set(await scanAll(client, {})).size, 350);
      const keys = await client.keys('user:1?');
      assert.deepEqual(keys.sort(), Array.from({ length: 10 }, (_, i) => `user:1${i}`).sort());
      assert.equal(await client.get(scanned[0]), scanned[0].slice('user:'.length));
    });
  },

  async select_and_url_database(server) {
    await withClient(server, async (zero) => {
      const one = await connected(server, 1);  // redis://host:port/1 sends SELECT 1
      try {
        assert.equal(await one.set('where', 'db1'), 'OK');
        assert.equal(await zero.set('where', 'db0'), 'OK');
        assert.equal(await one.get('where'), 'db1');
        assert.equal(await zero.get('where'), 'db0');
        await zero.select(1);  // v5 resolves to undefined
        assert.equal(await zero.get('where'), 'db1');
        await zero.select(0);
        assert.equal(await zero.get('where'), 'db0');
        assert.equal(await one.flushDb(), 'OK');
        assert.equal(await one.dbSize(), 0);
        assert.equal(await zero.dbSize(), 1);
      } finally {
        one.destroy();
      }
    });
  },
});
