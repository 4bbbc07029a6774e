/** A checkpoint store on any JDBC {@code DataSource}, for several hosts. */
module io.upgradesdk.upgrade.store.jdbc {
    exports io.upgradesdk.upgrade.store.jdbc;

    requires transitive io.upgradesdk.upgrade;
    requires transitive java.sql;                   // the builder takes a DataSource
}
