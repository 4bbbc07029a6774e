/** Implementation of the Redis checkpoint store (Lua scripts, error translation): not public API. */
package io.upgradesdk.upgrade.store.redis.internal;
