/**
 * A shared {@link io.upgradesdk.upgrade.CheckpointStore} in Redis (standalone with password, ACL
 * user and TLS, or Redis Cluster): {@link io.upgradesdk.upgrade.store.redis.RedisCheckpointStore},
 * built with {@code RedisCheckpointStore.builder()}. Lease and fenced writes are Lua scripts that run
 * on the Redis server's clock; errors carry {@link io.upgradesdk.upgrade.store.redis.RedisStoreErrorCode}.
 */
package io.upgradesdk.upgrade.store.redis;
