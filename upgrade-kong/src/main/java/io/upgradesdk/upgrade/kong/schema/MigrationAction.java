package io.upgradesdk.upgrade.kong.schema;

import java.sql.Connection;

/**
 * Java code of a migration's {@code up} or {@code teardown}. It gets the engine's connection (in
 * the migration's transaction unless the migration is non-transactional) and must be re-entrant:
 * safe to run again after a partial or unrecorded success.
 */
@FunctionalInterface
public interface MigrationAction {
    void run(Connection connection) throws Exception;
}
