package io.upgradesdk.upgrade.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.testservers.PostgresServer;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Behaviour beyond the contract: DDL on first use, prefixes, database clock, errors. */
@Tag("integration")
class JdbcCheckpointStoreTest {

    private static PGSimpleDataSource freshDatabase() {
        PostgresServer server = PostgresServer.get();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(server.jdbcUrl(server.newDatabase("jdbc_store")));
        ds.setUser(server.user());
        return ds;
    }

    @Test
    void tablesAreCreatedOnFirstUseWithThePrefix() throws Exception {
        PGSimpleDataSource ds = freshDatabase();
        JdbcCheckpointStore store = JdbcCheckpointStore.builder(ds).tablePrefix("myapp_").build();

        assertThat(store.load("p")).isEmpty();

        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")) {
            List<String> tables = new java.util.ArrayList<>();
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
            assertThat(tables).containsExactly("myapp_checkpoints", "myapp_leases");
        }
    }

    @Test
    void leaseExpiryComesFromTheDatabaseClock() throws Exception {
        PGSimpleDataSource ds = freshDatabase();
        JdbcCheckpointStore store = JdbcCheckpointStore.builder(ds).build();
        Instant dbNow;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            dbNow = rs.getTimestamp(1).toInstant();
        }

        Lease lease = store.acquireLease("plan-a", "host-a", Duration.ofMinutes(10));

        assertThat(Duration.between(dbNow, lease.expiresAt())).isBetween(Duration.ofMinutes(10), Duration.ofMinutes(11));
        assertThat(store.currentLease("plan-a")).contains(lease);
    }

    @Test
    void aSaveWithAStaleTokenChangesNothing() {
        JdbcCheckpointStore store = JdbcCheckpointStore.builder(freshDatabase()).build();
        Lease lease = store.acquireLease("plan-b", "host-a", Duration.ofMinutes(1));
        Checkpoint first = new Checkpoint("plan-b", "v1:x", 1, Instant.parse("2026-01-01T00:00:00Z"), List.of(), List.of());
        store.save(first, lease);
        store.forceReleaseLease("plan-b");

        assertThatThrownBy(() -> store.save(first.withFingerprint("v1:y", Instant.now()), lease))
                .isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LEASE_LOST));
        assertThat(store.load("plan-b")).contains(first);
    }

    @Test
    void anUnreachableDatabaseIsStoreUnavailableNamingTheFix() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:" + PostgresServer.get().port() + "/no_such_db_x");
        ds.setUser("postgres");
        JdbcCheckpointStore store = JdbcCheckpointStore.builder(ds).build();

        assertThatThrownBy(() -> store.load("p"))
                .isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.STORE_UNAVAILABLE))
                .hasMessageContaining("Check that the database is reachable");
    }

    @Test
    void aLeaseRowLockedByAStuckSessionFailsTheOperationAtTheQueryTimeoutInsteadOfHangingIt() throws Exception {
        PGSimpleDataSource ds = freshDatabase();
        JdbcCheckpointStore store = JdbcCheckpointStore.builder(ds).queryTimeout(Duration.ofSeconds(1)).build();
        store.acquireLease("p", "host-a", Duration.ofMinutes(1));
        try (Connection stuck = ds.getConnection()) {
            stuck.setAutoCommit(false);
            try (Statement st = stuck.createStatement()) {
                st.execute("SELECT * FROM upgrade_leases WHERE plan_id = 'p' FOR UPDATE");   // and never commits
            }
            long start = System.nanoTime();

            assertThatThrownBy(() -> org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    Duration.ofSeconds(60), () -> store.acquireLease("p", "host-b", Duration.ofMinutes(1)),
                    "without a query timeout the lease operation waits for the lock forever"))
                    .isInstanceOf(UpgradeException.class)
                    .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.STORE_UNAVAILABLE))
                    .hasMessageContaining("could not acquire the lease of plan 'p': the database did not answer within"
                            + " the query timeout of 1 s")
                    .hasMessageContaining("Another session may hold a lock on a row of upgrade_leases")
                    .hasMessageContaining("pg_stat_activity");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
            stuck.rollback();
        }
        assertThat(store.currentLease("p")).get().extracting(Lease::owner).as("nothing changed").isEqualTo("host-a");
    }

    @Test
    void aQueryTimeoutMustBeWholeSecondsAndAtLeastOne() {
        JdbcCheckpointStore.Builder builder = JdbcCheckpointStore.builder(new PGSimpleDataSource());
        for (Duration invalid : new Duration[] {null, Duration.ZERO, Duration.ofMillis(1500), Duration.ofMillis(500)}) {
            assertThatThrownBy(() -> builder.queryTimeout(invalid))
                    .isInstanceOf(UpgradeException.class)
                    .hasMessageContaining("give whole seconds, at least 1");
        }
    }

    @Test
    void anInvalidPrefixIsRefused() {
        assertThatThrownBy(() -> JdbcCheckpointStore.builder(new PGSimpleDataSource()).tablePrefix("x; drop"))
                .isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION));
    }
}
