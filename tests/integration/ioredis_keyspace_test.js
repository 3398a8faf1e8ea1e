// ioredis's keyspace API against the real respcache binary: scanStream({match, count}),
// keys(), and databases other than 0 (the db option, select()); every write read back.
//
// Usage: node ioredis_keyspace_test.js path/to/respcache
//        node ioredis_keyspace_test.js redis-server  (checks the cases themselves against Redis)
'use strict';

const { assert, runCases } = require('./node_harness');
const { ioredisClient: client, withIoredis: withClient } = require('./node_clients');

async function scanAll(redis, options) {
  const seen = [];
  const stream = redis.scanStream(options);
  for await (const batch of stream) seen.push(...batch);
  return seen;
}

runCases('ioredis_keyspace_test', {
  async keys_and_scan_stream(server) {
    await withClient(server, {}, async (redis) => {
      const pipe = redis.pipeline();
      const users = [];
      for (let i = 0; i < 300; i++) {
        users.push(`user:${i}`);
        pipe.set(`user:${i}`, String(i));
      }
      for (let i = 0; i < 50; i++) pipe.set(`order:${i}`, String(i));
      await pipe.exec();
      const scanned = await scanAll(redis, { match: 'user:*', count: 25 });
      assert.deepEqual([...new Set(scanned)].sort(), users.slice().sort());
      const everything = await scanAll(redis, { count: 100 });
      assert.equal(new Set(everything).size, 350);
      const keys = await redis.keys('user:1?');
      assert.deepEqual(keys.sort(), Array.from({ length: 10 }, (_, i) => `user:1${i}`).sort());
      assert.deepEqual(await redis.keys('nothing:*'), []);
      const values = await redis.mget(scanned.slice(0, 3));
      assert.deepEqual(values, scanned.slice(0, 3).map((k) => k.slice('user:'.length)));
    });
  },

  async databases_with_db_option_and_select(server) {
    await withClient(server, {}, async (zero) => {
      const one = client(server, { db: 1 });
      try {
        assert.equal(await one.set('where', 'db1'), 'OK');
        assert.equal(await zero.set('where', 'db0'), 'OK');
        assert.equal(await one.get('where'), 'db1');
        assert.equal(await zero.get('where'), 'db0');
        assert.equal(await one.dbsize(), 1);
        assert.equal(await zero.select(1), 'OK');
        assert.equal(await zero.get('where'), 'db1');
        assert.equal(await zero.select(0), 'OK');
        assert.equal(await zero.get('where'), 'db0');
        await assert.rejects(zero.select(100000), /ERR DB index is out of range/);
      } finally {
        await one.flushdb().catch(() => {});
        one.disconnect();
      }
    });
  },
});
