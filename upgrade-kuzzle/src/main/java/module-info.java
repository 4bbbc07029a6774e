/**
 * The Kuzzle 1.x → 2.x upgrade: Elasticsearch storages (through upgrade-elasticsearch's public
 * copy API), the Redis token cache, the {@code .kuzzlerc} file. Only the root package is exported;
 * {@code internal} is not.
 */
module io.upgradesdk.upgrade.kuzzle {
    exports io.upgradesdk.upgrade.kuzzle;

    // Steps keep typed cursor state (records in internal) that upgrade-api reads and writes as JSON
    // with Jackson: open the package to Jackson alone, at run time only; nothing is exported.
    opens io.upgradesdk.upgrade.kuzzle.internal to com.fasterxml.jackson.databind;

    requires transitive io.upgradesdk.upgrade;
    requires transitive io.upgradesdk.upgrade.elasticsearch;   // settings take ElasticsearchEndpoint
    requires transitive lettuce.core;                          // settings take lettuce's RedisURI
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
}
