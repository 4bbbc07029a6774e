/**
 * Kong upgrades: the {@code migrations bootstrap/up/finish/list/reset} model on PostgreSQL, the
 * migration catalogue, upgrade paths and plans, the Admin API client. The root package and
 * {@code schema} (the host-schema engine) are exported; {@code internal} is not.
 */
module io.upgradesdk.upgrade.kong {
    exports io.upgradesdk.upgrade.kong;
    exports io.upgradesdk.upgrade.kong.schema;      // the host-schema migration engine

    requires transitive io.upgradesdk.upgrade;
    requires transitive java.sql;                   // builders take a DataSource
    requires transitive java.net.http;              // KongAdminClient.of(URI, HttpClient, Secret)
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
}
