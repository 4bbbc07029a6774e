package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every changed copy of a checkpoint is the next revision; equal checkpoints hash alike and describe themselves. */
class CheckpointCopiesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T1 = T0.plusSeconds(5);

    private final Checkpoint start = new Checkpoint("plan", "v1:abc", 7, T0, List.of(
            new StepRecord("copy", StepState.SUCCEEDED, 1, null, T0, T0, null)), List.of());

    @Test
    void recordingAStepAnAuditEntryOrANewFingerprintEachTakesTheNextRevision() {
        assertThat(start.withStep(new StepRecord("copy", StepState.RUNNING, 2, "c", T1, null, null), T1).revision())
                .isEqualTo(8);
        assertThat(start.withStep(new StepRecord("swap", StepState.RUNNING, 1, null, T1, null, null), T1).revision())
                .isEqualTo(8);
        assertThat(start.withAudit(new AuditEntry(T1, "ops", "force-release", null, "stuck")).revision()).isEqualTo(8);
        assertThat(start.withFingerprint("v2:def", T1).revision()).isEqualTo(8);
    }

    @Test
    void equalCheckpointsHaveEqualHashCodesAndTheDescriptionNamesThePlanRevisionAndStepStates() {
        Checkpoint same = new Checkpoint("plan", "v1:abc", 7, T0, List.of(
                new StepRecord("copy", StepState.SUCCEEDED, 1, null, T0, T0, null)), List.of());

        assertThat(same).isEqualTo(start);
        assertThat(same.hashCode()).isEqualTo(start.hashCode());
        assertThat(start.withFingerprint("v2:def", T1).hashCode()).isNotEqualTo(start.hashCode());
        assertThat(start.toString()).isEqualTo("Checkpoint[plan, revision 7, [copy=SUCCEEDED]]");
    }
}
