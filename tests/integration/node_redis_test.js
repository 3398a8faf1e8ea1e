// node-redis (the npm package "redis", tests/package.json) against the real respcache binary,
// through its normal API only: createClient({url}) + connect() (which sends its own hand-
// shake), MULTI/EXEC, WATCH on a pooled connection, SET options (SCAN, KEYS and SELECT are in
// node_redis_keyspace_test.js); every write read back.
//
// Usage: node node_redis_test.js path/to/respcache
//        node node_redis_test.js redis-server     (checks the cases themselves against Redis 7.0)
'use strict';

const { createClientPool, WatchError } = require('redis');
const { assert, runCases } = require('./node_harness');
const { nodeRedisClient: connected, withNodeRedis: withClient } = require('./node_clients');

runCases('node_redis_test', {
  async connect_and_strings(server) {
    await withClient(server, async (client) => {
      assert.equal(await client.ping(), 'PONG');
      assert.equal(await client.set('k', 'v'), 'OK');
      assert.equal(await client.get('k'), 'v');
      assert.equal(await client.set('once', '1', { NX: true, EX: 60 }), 'OK');
      assert.equal(await client.set('once', '2', { NX: true, EX: 60 }), null);
      assert.equal(await client.get('once'), '1');
      const ttl = await client.ttl('once');
      assert.ok(ttl > 0 && ttl <= 60, `TTL ${ttl}`);
      assert.equal(await client.set('k', 'w', { XX: true, PX: 100000 }), 'OK');
      assert.equal(await client.get('k'), 'w');
      assert.equal(await client.setNX('nx', 'a'), 1);
      assert.equal(await client.setNX('nx', 'b'), 0);
      assert.equal(await client.getSet('nx', 'c'), 'a');
      assert.equal(await client.get('nx'), 'c');
      assert.equal(await client.incrByFloat('f', 2.5), '2.5');
      assert.equal(await client.get('f'), '2.5');
      assert.equal(await client.mSet({ a: '1', b: '2' }), 'OK');
      assert.deepEqual(await client.mGet(['a', 'missing', 'b']), ['1', null, '2']);
      assert.equal(await client.del(['a', 'b']), 2);
      assert.equal(await client.exists(['a', 'b']), 0);
      assert.deepEqual(client.errors, []);
    });
  },

  async multi_exec(server) {
    await withClient(server, async (client) => {
      const results = await client.multi().set('m', '1').incr('m').get('m').exec();
      assert.deepEqual(results, ['OK', 2, '2']);
      assert.equal(await client.get('m'), '2');
      const piped = await client.multi().set('n', 'x').append('n', 'y').execAsPipeline();
      assert.deepEqual(piped, ['OK', 2]);
      assert.equal(await client.get('n'), 'xy');
    });
  },

  async watch_conflict(server) {
    await withClient(server, async (client) => {
      const other = await connected(server);
      try {
        await client.set('w', '1');
        assert.equal(await client.watch('w'), 'OK');
        assert.equal(await other.set('w', '2'), 'OK');
        await assert.rejects(client.multi().set('w', '3').exec(), WatchError);
        assert.equal(await client.get('w'), '2');
        await client.watch('w');
        assert.deepEqual(await client.multi().set('w', '4').exec(), ['OK']);
        assert.equal(await client.get('w'), '4');
      } finally {
        other.destroy();
      }
    });
  },

  async watch_retry_on_a_pool(server) {
    // What replaced v4's executeIsolated: each execute() has a connection of its own, so
    // WATCH state is never shared between concurrent callers.
    const pool = createClientPool({ url: `redis://127.0.0.1:${server.port}` }, { minimum: 4,
      maximum: 8 });
    pool.on('error', () => {});
    await pool.connect();
    try {
      await pool.del('shared');
      const increment = () => pool.execute(async (client) => {
        for (let attempt = 1; attempt <= 1000; attempt++) {
          await client.watch('shared');
          const current = Number((await client.get('shared')) ?? '0');
          try {
            await client.multi().set('shared', String(current + 1)).exec();
            return attempt;
          } catch (err) {
            if (!(err instanceof WatchError)) throw err;
          }
        }
        throw new Error('WATCH retry loop never succeeded');
      });
      await Promise.all(Array.from({ length: 8 }, async () => {
        for (let i = 0; i < 25; i++) await increment();
      }));
      assert.equal(await pool.get('shared'), '200');
    } finally {
      pool.destroy();
    }
  },
});
