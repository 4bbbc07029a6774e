/**
 * A {@link io.upgradesdk.upgrade.CheckpointStore} over plain JDBC ({@link javax.sql.DataSource}),
 * with no dependency on any product client or JDBC driver: see {@link
 * io.upgradesdk.upgrade.store.jdbc.JdbcCheckpointStore}. Tested on PostgreSQL.
 */
package io.upgradesdk.upgrade.store.jdbc;
