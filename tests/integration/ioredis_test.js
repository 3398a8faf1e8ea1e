// ioredis (tests/package.json) against the real respcache binary, through its normal API only:
// what an application using ioredis does, every write read back.
//
// Usage: node ioredis_test.js path/to/respcache
//        node ioredis_test.js redis-server     (checks the cases themselves against Redis 7.0)
'use strict';

const { assert, runCases } = require('./node_harness');
const { ioredisClient: client, withIoredis: withClient } = require('./node_clients');

// WATCH key, read, compute, MULTI/EXEC; EXEC's null reply (ioredis: null) means someone
// wrote the key in between, so try again.
async function optimisticIncrement(redis, key) {
  for (let attempt = 1; attempt <= 1000; attempt++) {
    await redis.watch(key);
    const current = Number((await redis.get(key)) ?? '0');
    const result = await redis.multi().set(key, String(current + 1)).exec();
    if (result !== null) {
      assert.deepEqual(result, [[null, 'OK']]);
      return attempt;
    }
  }
  throw new Error(`WATCH retry loop on ${key} never succeeded`);
}

runCases('ioredis_test', {
  async set_get_with_expiry(server) {
    await withClient(server, {}, async (redis) => {
      assert.equal(await redis.set('session:1', 'abc', 'EX', 60), 'OK');
      assert.equal(await redis.get('session:1'), 'abc');
      const ttl = await redis.ttl('session:1');
      assert.ok(ttl > 0 && ttl <= 60, `TTL ${ttl}`);
      assert.equal(await redis.set('session:2', 'short', 'PX', 200), 'OK');
      assert.equal(await redis.get('session:2'), 'short');
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(await redis.get('session:2'), null);
      assert.equal(await redis.get('missing'), null);
      const binary = Buffer.from([0, 13, 10, 255, 0]);
      assert.equal(await redis.set('bin', binary), 'OK');
      assert.deepEqual(await redis.getBuffer('bin'), binary);
    });
  },

  async string_commands(server) {
    await withClient(server, {}, async (redis) => {
      assert.equal(await redis.setnx('nx', 'first'), 1);
      assert.equal(await redis.setnx('nx', 'second'), 0);
      assert.equal(await redis.get('nx'), 'first');
      assert.equal(await redis.getset('nx', 'third'), 'first');
      assert.equal(await redis.getset('fresh', 'v'), null);
      assert.equal(await redis.get('nx'), 'third');
      assert.equal(await redis.incrbyfloat('f', '10.5'), '10.5');
      assert.equal(await redis.incrbyfloat('f', '0.1'), '10.6');
      assert.equal(await redis.incrbyfloat('f', '-5'), '5.6');
      assert.equal(await redis.get('f'), '5.6');
      assert.equal(await redis.mset({ a: '1', b: '2' }), 'OK');
      assert.deepEqual(await redis.mget('a', 'missing', 'b', 'nx'), ['1', null, '2', 'third']);
      assert.deepEqual(await redis.mget(['a', 'b']), ['1', '2']);
      assert.equal(await redis.del('a', 'b', 'missing'), 2);
      assert.deepEqual(await redis.mget('a', 'b'), [null, null]);
      assert.equal(await redis.incr('counter'), 1);
      assert.equal(await redis.incrby('counter', 41), 42);
      assert.equal(await redis.get('counter'), '42');
      await assert.rejects(redis.incr('nx'), /ERR value is not an integer or out of range/);
    });
  },

  async pipeline(server) {
    await withClient(server, {}, async (redis) => {
      const pipe = redis.pipeline();
      for (let i = 0; i < 200; i++) pipe.set(`p:${i}`, String(i));
      for (let i = 0; i < 200; i++) pipe.incr(`p:${i}`);
      pipe.mget('p:0', 'p:199');
      const results = await pipe.exec();
      assert.equal(results.length, 401);
      for (const [err] of results) assert.equal(err, null);
      assert.deepEqual(results.slice(200, 202), [[null, 1], [null, 2]]);
      assert.deepEqual(results[400], [null, ['1', '200']]);
      assert.equal(await redis.get('p:150'), '151');
      assert.equal(await redis.dbsize(), 200);
    });
  },

  async multi_exec(server) {
    await withClient(server, {}, async (redis) => {
      const results = await redis.multi().incr('c').incr('c').get('c').set('s', 'v').exec();
      assert.deepEqual(results, [[null, 1], [null, 2], [null, '2'], [null, 'OK']]);
      assert.equal(await redis.get('c'), '2');
      assert.equal(await redis.get('s'), 'v');
      // A command that fails when run does not undo the others (Redis has no rollback).
      const mixed = await redis.multi().set('t', 'text').incr('t').get('t').exec();
      assert.equal(mixed[0][1], 'OK');
      assert.match(String(mixed[1][0]), /ERR value is not an integer/);
      assert.deepEqual(mixed[2], [null, 'text']);
      // multi({pipeline: false}) sends MULTI at once; the client's commands are then queued
      // one by one until exec() or discard().
      assert.equal(await redis.multi({ pipeline: false }), 'OK');
      assert.equal(await redis.set('q', '1'), 'QUEUED');
      assert.equal(await redis.incr('q'), 'QUEUED');
      assert.deepEqual(await redis.exec(), [[null, 'OK'], [null, 2]]);
      assert.equal(await redis.get('q'), '2');
      // DISCARD drops the queue.
      assert.equal(await redis.multi({ pipeline: false }), 'OK');
      assert.equal(await redis.set('never', 'x'), 'QUEUED');
      assert.equal(await redis.discard(), 'OK');
      assert.equal(await redis.exists('never'), 0);
    });
  },

  async watch_conflict_and_retry(server) {
    await withClient(server, {}, async (redis) => {
      const other = client(server);
      try {
        // A write by another client between WATCH and EXEC makes EXEC return null.
        await redis.set('w', '1');
        assert.equal(await redis.watch('w'), 'OK');
        assert.equal(await other.set('w', '2'), 'OK');
        assert.equal(await redis.multi().set('w', '3').exec(), null);
        assert.equal(await redis.get('w'), '2');
        // Unchanged, the transaction runs.
        await redis.watch('w');
        assert.deepEqual(await redis.multi().set('w', '4').exec(), [[null, 'OK']]);
        assert.equal(await redis.get('w'), '4');
        // UNWATCH forgets the key.
        await redis.watch('w');
        await other.set('w', '5');
        assert.equal(await redis.unwatch(), 'OK');
        assert.deepEqual(await redis.multi().get('w').exec(), [[null, '5']]);
      } finally {
        other.disconnect();
      }
      // Eight connections increment one counter with the WATCH retry loop: none is lost.
      const workers = Array.from({ length: 8 }, () => client(server));
      try {
        await Promise.all(workers.map(async (worker) => {
          for (let i = 0; i < 25; i++) await optimisticIncrement(worker, 'shared');
        }));
      } finally {
        for (const worker of workers) worker.disconnect();
      }
      assert.equal(await redis.get('shared'), '200');
    });
  },
});
