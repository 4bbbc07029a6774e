package io.upgradesdk.upgrade.kong;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The §4 algorithm on hand-made rows (no database). */
class MigrationStateTest {

    private static final KongSubsystem ABCD = KongSubsystem.of("core", new KongMigration("A", false),
            new KongMigration("B", false), new KongMigration("C", false), new KongMigration("D", true));

    @Test
    void aGapBeforeLastExecutedIsNewNotMissing() {
        MigrationState state = MigrationState.compute(List.of(ABCD),
                List.of(new SchemaMetaRow("core", "C", List.of("A", "C"), null)));

        assertThat(state.newMigrations()).containsExactly(
                new SubsystemMigrations("core", "kong.db.migrations.core", List.of("B", "D")));
        assertThat(state.missing()).isEmpty();
        assertThat(state.exitCode()).isEqualTo(5);
    }

    @Test
    void onlyTheLastExecutedMigrationItselfCanBeMissing() {
        MigrationState state = MigrationState.compute(List.of(ABCD),
                List.of(new SchemaMetaRow("core", "C", List.of("A", "B"), List.of())));

        assertThat(state.missing()).extracting(SubsystemMigrations::migrations).containsExactly(List.of("C"));
        assertThat(state.newMigrations()).extracting(SubsystemMigrations::migrations).containsExactly(List.of("D"));
    }

    @Test
    void absentTableNeedsBootstrapButAnEmptyTableDoesNot() {
        MigrationState absent = MigrationState.compute(List.of(ABCD), null);
        MigrationState empty = MigrationState.compute(List.of(ABCD), List.of());

        assertThat(absent.needsBootstrap()).isTrue();
        assertThat(absent.exitCode()).isEqualTo(3);
        assertThat(absent.listOutput("3.4.0").stdout()).startsWith("Database needs bootstrapping or is older than Kong 1.0.");
        assertThat(empty.needsBootstrap()).isFalse();
        assertThat(empty.exitCode()).isEqualTo(5);
        assertThat(MigrationState.count(empty.newMigrations())).isEqualTo(4);
    }

    @Test
    void executedIsCheckedBeforePendingAndDuplicatesAreHarmless() {
        MigrationState state = MigrationState.compute(List.of(ABCD),
                List.of(new SchemaMetaRow("core", "D", List.of("A", "B", "C", "D", "A", "B", "C", "D"), List.of("D"))));

        assertThat(state.isUpToDate()).isTrue();
        assertThat(state.exitCode()).isZero();
        assertThat(state.isExecuted("core", "D")).isTrue();
        assertThat(state.isExecuted("core", "foo")).isFalse();
        assertThat(state.isExecuted("foo", "bar")).isFalse();
    }

    @Test
    void rowsOfUnloadedSubsystemsAndUnknownNamesAreIgnoredButReported() {
        MigrationState state = MigrationState.compute(List.of(ABCD), List.of(
                new SchemaMetaRow("core", "E", List.of("A", "B", "C", "D", "E"), List.of()),
                new SchemaMetaRow("acl", null, null, List.of("001_x"))));

        assertThat(state.exitCode()).isZero();
        assertThat(state.pending()).isEmpty();
        assertThat(state.unknownRecorded()).containsExactly(java.util.Map.entry("core", List.of("E")));
    }

    @Test
    void pendingMakesListExitFourButNotOutOfDate() {
        MigrationState state = MigrationState.compute(List.of(ABCD),
                List.of(new SchemaMetaRow("core", "C", List.of("A", "B", "C"), List.of("D"))));

        assertThat(state.isUpToDate()).isTrue();
        assertThat(state.exitCode()).isEqualTo(4);
        assertThat(state.listOutput("3.4.0").stdout()).isEqualTo(
                "Executed migrations:\ncore: A, B, C\n\nPending migrations:\ncore: D\n\nRun 'kong migrations finish' when ready\n");
    }

    @Test
    void statusJsonOmitsAbsentCategories() {
        MigrationState state = MigrationState.compute(List.of(ABCD),
                List.of(new SchemaMetaRow("core", "B", List.of("A", "B"), List.of())));

        assertThat(state.toStatusJson()).isEqualTo("{\"needs_bootstrap\":false,\"executed_migrations\":[{\"subsystem\":"
                + "\"core\",\"namespace\":\"kong.db.migrations.core\",\"migrations\":[\"A\",\"B\"]}],\"new_migrations\":"
                + "[{\"subsystem\":\"core\",\"namespace\":\"kong.db.migrations.core\",\"migrations\":[\"C\",\"D\"]}]}");
    }
}
