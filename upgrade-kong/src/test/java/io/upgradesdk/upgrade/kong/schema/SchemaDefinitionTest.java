package io.upgradesdk.upgrade.kong.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kong.KongErrorCode;
import io.upgradesdk.upgrade.kong.KongMigration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a host's schema migrations and subsystems are defined and checked, without a database. */
class SchemaDefinitionTest {

    private static final MigrationAction NOTHING = connection -> { };

    @Test
    void aSqlMigrationKeepsItsTrimmedSqlRunsInATransactionAndHasNoTeardown() {
        SchemaMigration m = SchemaMigration.sql("001_100_to_110", "  CREATE TABLE t (id int);\n");

        assertThat(m.name()).isEqualTo("001_100_to_110");
        assertThat(m.upSql()).isEqualTo("CREATE TABLE t (id int);");
        assertThat(m.up()).isNull();
        assertThat(m.teardown()).isNull();
        assertThat(m.hasTeardown()).isFalse();
        assertThat(m.isTransactional()).isTrue();
        assertThat(m.toKongMigration()).isEqualTo(new KongMigration("001_100_to_110", false));
        assertThat(m).hasToString("SchemaMigration[001_100_to_110]");
    }

    @Test
    void aMigrationWithATeardownSaysSoAndMayRunOutsideATransaction() {
        SchemaMigration m = SchemaMigration.builder("002_drop").up(NOTHING).teardown(NOTHING).nonTransactional().build();

        assertThat(m.upSql()).isEmpty();
        assertThat(m.up()).isSameAs(NOTHING);
        assertThat(m.teardown()).isSameAs(NOTHING);
        assertThat(m.hasTeardown()).isTrue();
        assertThat(m.isTransactional()).isFalse();
        assertThat(m.toKongMigration()).isEqualTo(new KongMigration("002_drop", true));
        assertThat(m).hasToString("SchemaMigration[002_drop, teardown]");
    }

    @Test
    void aMigrationNeedsAValidNameAndSomethingToDo() {
        assertInvalid(() -> SchemaMigration.builder("bad name"), "migration name 'bad name' is invalid");
        assertInvalid(() -> SchemaMigration.builder(null), "migration name 'null' is invalid");
        assertInvalid(() -> SchemaMigration.builder("_x"), "is invalid");
        assertInvalid(() -> SchemaMigration.builder("x".repeat(201)), "is invalid");
        assertThat(SchemaMigration.builder("x".repeat(200)).upSql("select 1").build().name()).hasSize(200);
        assertInvalid(() -> SchemaMigration.builder("empty").build(), "at least one of these fields");
        assertInvalid(() -> SchemaMigration.builder("blank").upSql("  ").build(), "at least one of these fields");
        assertThat(SchemaMigration.builder("up-only").up(NOTHING).build().up()).isSameAs(NOTHING);
        assertThat(SchemaMigration.builder("teardown-only").teardown(NOTHING).build().hasTeardown()).isTrue();
    }

    @Test
    void aSubsystemNeedsANameAndUniqueMigrationsInItsOrder() {
        SchemaMigration a = SchemaMigration.sql("001_a", "select 1");
        SchemaMigration b = SchemaMigration.builder("002_b").teardown(NOTHING).build();
        SchemaSubsystem core = SchemaSubsystem.of("core", a, b);

        assertThat(core.migration("002_b")).isSameAs(b);
        assertThat(core.migration("003_c")).isNull();
        assertThat(core.toKongSubsystem().name()).isEqualTo("core");
        assertThat(core.toKongSubsystem().migrations()).containsExactly(new KongMigration("001_a", false),
                new KongMigration("002_b", true));
        assertInvalid(() -> SchemaSubsystem.of(" ", a), "non-blank name");
        assertInvalid(() -> SchemaSubsystem.of("core", a, SchemaMigration.sql("001_a", "select 2")),
                "migration '001_a' appears twice in subsystem 'core'");
    }

    @Test
    void aRunCountsWhatItExecutedAndLeftPending() {
        MigrationRun run = new MigrationRun("up", 0, "", List.of("core/001_a"), List.of("core/002_b", "core/003_c"),
                null);

        assertThat(run.processed()).isEqualTo(3);
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(UpgradeException.class, e -> {
            assertThat(e.code()).isEqualTo(KongErrorCode.INVALID_MIGRATION);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
