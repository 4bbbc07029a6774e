/**
 * Elasticsearch upgrades: pre-flight checks, snapshot/restore, rolling upgrade, reindex, and a
 * checkpoint store in an index. Only the root package is exported; {@code internal} (the client
 * layer and the copy engine) is not.
 */
module io.upgradesdk.upgrade.elasticsearch {
    exports io.upgradesdk.upgrade.elasticsearch;

    // Steps keep typed cursor state (records in internal) that upgrade-api reads and writes as JSON
    // with Jackson: open the package to Jackson alone, at run time only; nothing is exported.
    opens io.upgradesdk.upgrade.elasticsearch.internal to com.fasterxml.jackson.databind;

    requires transitive io.upgradesdk.upgrade;
    // Public signatures use Jackson's JsonNode (DocumentCopy, ElasticsearchConnection) and the
    // low-level RestClient (ElasticsearchConnection.using): hosts read both through this module.
    requires com.fasterxml.jackson.core;
    requires transitive com.fasterxml.jackson.databind;
    // The low-level REST client has no module descriptor nor Automatic-Module-Name: its name is
    // derived from the jar name (elasticsearch-rest-client-VERSION.jar).
    requires transitive elasticsearch.rest.client;
    // Hosts hand in their elasticsearch-java ElasticsearchClient (ElasticsearchUpgrade.Builder.client,
    // ElasticsearchConnection.using, ElasticsearchCheckpointStore.builder). The jar has no module
    // descriptor nor Automatic-Module-Name: its name comes from the jar name (elasticsearch-java-VERSION.jar).
    requires transitive elasticsearch.java;
    requires org.apache.httpcomponents.httpcore;
    requires org.apache.httpcomponents.httpclient;       // RequestConfig (timeouts)
    requires org.apache.httpcomponents.httpasyncclient;  // HttpAsyncClientBuilder (TLS, credentials)
}
