// How the Node.js client tests make their clients: the libraries' normal constructors, with
// retries turned off so that a refused command or handshake shows as that error.
'use strict';

const Redis = require('ioredis');
const { createClient } = require('redis');

/** An ioredis client: new Redis({...}), no reconnect and no per-command retry. */
function ioredisClient(server, options = {}) {
  return new Redis({
    host: '127.0.0.1',
    port: server.port,
    commandTimeout: 10000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...options,
  });
}

/** Runs fn(client) on a fresh ioredis client after FLUSHALL; disconnects after. */
async function withIoredis(server, options, fn) {
  const redis = ioredisClient(server, options);
  try {
    await redis.flushall();
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/** A connected node-redis client: createClient({url}) + connect(), no reconnect loop.
 *  `client.errors` collects what its 'error' event reported. */
async function nodeRedisClient(server, db = 0, options = {}) {
  const client = createClient({
    url: `redis://127.0.0.1:${server.port}${db ? `/${db}` : ''}`,
    socket: { reconnectStrategy: false, connectTimeout: 10000 },
    ...options,
  });
  const errors = [];
  client.on('error', (err) => errors.push(err));
  await client.connect();
  client.errors = errors;
  return client;
}

/** Runs fn(client) on a fresh node-redis client after FLUSHALL; destroys it after. */
async function withNodeRedis(server, fn) {
  const client = await nodeRedisClient(server);
  try {
    await client.flushAll();
    return await fn(client);
  } finally {
    client.destroy();
  }
}

module.exports = { ioredisClient, withIoredis, nodeRedisClient, withNodeRedis };
