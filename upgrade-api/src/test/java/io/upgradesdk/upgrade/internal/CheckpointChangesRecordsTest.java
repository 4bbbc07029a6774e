package io.upgradesdk.upgrade.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.AuditEntry;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A change record holds what one save changed, and applying it to the content before gives the
 * content after, field by field; a damaged change record is unreadable, naming the file.
 */
class CheckpointChangesRecordsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(60);

    private static StepRecord pending(String id) {
        return StepRecord.pending(id);
    }

    private static StepRecord done(String id) {
        return new StepRecord(id, StepState.SUCCEEDED, 2, "cursor-" + id, T0, T1, null);
    }

    private static Checkpoint checkpoint(long revision, List<StepRecord> steps, List<AuditEntry> audit) {
        return new Checkpoint("plan", "v1:fp", revision, T0.plusSeconds(revision), steps, audit);
    }

    private static CheckpointFile file(Checkpoint checkpoint) {
        return CheckpointFile.empty().with("plan", new CheckpointFile.Entry(checkpoint, null, 3, false, null));
    }

    private static JsonNode payload(CheckpointFile before, CheckpointFile after) {
        try {
            return JSON.readTree(CheckpointChanges.between(before, after));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static CheckpointFile roundTrip(CheckpointFile before, CheckpointFile after) {
        return CheckpointChanges.apply(before, List.of(CheckpointChanges.between(before, after)), "cp-file");
    }

    private static void assertSameContent(CheckpointFile actual, CheckpointFile expected) {
        CheckpointFile.Entry a = actual.entry("plan");
        CheckpointFile.Entry e = expected.entry("plan");
        assertThat(a.checkpoint() == null ? null : a.checkpoint().toJson())
                .isEqualTo(e.checkpoint() == null ? null : e.checkpoint().toJson());
        assertThat(a.lease()).isEqualTo(e.lease());
        assertThat(a.lastToken()).isEqualTo(e.lastToken());
        assertThat(a.livenessLocked()).isEqualTo(e.livenessLocked());
    }

    @Test
    void aChangedStepIsWrittenAloneWithItsPositionAndTheStepCount() {
        CheckpointFile before = file(checkpoint(1, List.of(pending("a"), pending("b"), pending("c")), List.of()));
        CheckpointFile after = file(before.entry("plan").checkpoint().withStep(done("b"), T1));

        JsonNode changes = payload(before, after).path("plans").path("plan").path("changes");

        assertThat(changes.path("at")).hasSize(1);
        assertThat(changes.path("at").get(0).asInt()).isEqualTo(1);
        assertThat(changes.path("count").asInt()).isEqualTo(3);
        assertThat(changes.path("steps")).hasSize(1);
        assertThat(changes.path("auditChanged").asBoolean()).isFalse();
        assertSameContent(roundTrip(before, after), after);
    }

    @Test
    void appendedStepsAreWrittenAtTheEnd() {
        CheckpointFile before = file(checkpoint(1, List.of(done("a")), List.of()));
        CheckpointFile after = file(checkpoint(2, List.of(done("a"), done("b"), pending("c")), List.of()));

        JsonNode changes = payload(before, after).path("plans").path("plan").path("changes");

        assertThat(changes.path("at").toString()).isEqualTo("[1,2]");
        assertSameContent(roundTrip(before, after), after);
    }

    @Test
    void fewerOrReorderedStepsReplaceTheWholeCheckpoint() {
        CheckpointFile before = file(checkpoint(1, List.of(done("a"), done("b")), List.of()));
        CheckpointFile fewer = file(checkpoint(2, List.of(done("a")), List.of()));
        CheckpointFile reordered = file(checkpoint(2, List.of(done("b"), done("a")), List.of()));

        assertThat(payload(before, fewer).path("plans").path("plan").has("checkpoint")).isTrue();
        assertThat(payload(before, reordered).path("plans").path("plan").has("checkpoint")).isTrue();
        assertSameContent(roundTrip(before, fewer), fewer);
        assertSameContent(roundTrip(before, reordered), reordered);
    }

    @Test
    void aNewAuditEntryIsWrittenWithTheAuditTrailAndAnUnchangedOneIsNot() {
        Checkpoint start = checkpoint(1, List.of(pending("a")), List.of());
        AuditEntry note = new AuditEntry(T1, "ops", "markDone", "a", "done by hand");
        CheckpointFile before = file(start);
        CheckpointFile audited = file(start.withAudit(note).withStep(done("a"), T1));

        JsonNode changes = payload(before, audited).path("plans").path("plan").path("changes");
        assertThat(changes.path("auditChanged").asBoolean()).isTrue();
        assertThat(changes.path("audit")).hasSize(1);
        assertThat(changes.path("audit").get(0).path("stepId").asText()).isEqualTo("a");
        CheckpointFile read = roundTrip(before, audited);
        assertSameContent(read, audited);

        CheckpointFile later = file(audited.entry("plan").checkpoint().withStep(pending("a"), T1));
        assertThat(payload(audited, later).path("plans").path("plan").path("changes").path("audit")).isEmpty();
        assertThat(roundTrip(audited, later).entry("plan").checkpoint().audit()).containsExactly(note);
    }

    @Test
    void anAuditEntryWithoutAStepLeavesTheStepOut() {
        Checkpoint start = checkpoint(1, List.of(pending("a")), List.of());
        CheckpointFile before = file(start);
        CheckpointFile after = file(start.withAudit(new AuditEntry(T1, "ops", "forceRelease", null, "stuck")));

        JsonNode entry = payload(before, after).path("plans").path("plan").path("changes").path("audit").get(0);

        assertThat(entry.has("stepId")).isFalse();
        assertSameContent(roundTrip(before, after), after);
    }

    @Test
    void aLeaseChangeAloneCarriesNoCheckpointAndKeepsTheOneBefore() {
        CheckpointFile before = file(checkpoint(1, List.of(done("a")), List.of()));
        Lease lease = new Lease("plan", "host-a", 4, T1);
        CheckpointFile after = before.with("plan", before.entry("plan").withLease(lease, true, null));

        JsonNode plan = payload(before, after).path("plans").path("plan");

        assertThat(plan.has("checkpoint")).isFalse();
        assertThat(plan.has("changes")).isFalse();
        CheckpointFile read = roundTrip(before, after);
        assertSameContent(read, after);
        assertThat(read.entry("plan").livenessLocked()).isTrue();
        assertThat(read.entry("plan").lastToken()).isEqualTo(4);
    }

    @Test
    void anUnchangedPlanIsNotWrittenAndARemovedCheckpointIsWrittenAsNull() {
        CheckpointFile before = file(checkpoint(1, List.of(done("a")), List.of()));

        assertThat(payload(before, before.with("other", CheckpointFile.Entry.EMPTY)).path("plans").has("plan"))
                .isFalse();
        CheckpointFile removed = before.with("plan", before.entry("plan").withCheckpoint(null));
        assertThat(payload(before, removed).path("plans").path("plan").path("checkpoint").isNull()).isTrue();
        assertThat(roundTrip(before, removed).entry("plan").checkpoint()).isNull();
    }

    @Test
    void severalRecordsApplyInOrder() {
        CheckpointFile first = file(checkpoint(1, List.of(pending("a"), pending("b")), List.of()));
        CheckpointFile second = file(first.entry("plan").checkpoint().withStep(done("a"), T1));
        CheckpointFile third = file(second.entry("plan").checkpoint().withStep(done("b"), T1));

        CheckpointFile read = CheckpointChanges.apply(first, List.of(CheckpointChanges.between(first, second),
                CheckpointChanges.between(second, third)), "cp-file");

        assertSameContent(read, third);
    }

    @Test
    void oneSaveChangingTwoPlansWritesAndReadsBackBoth() {
        Checkpoint first = checkpoint(1, List.of(pending("a"), pending("b")), List.of());
        Checkpoint second = new Checkpoint("other", "v1:fp2", 1, T0, List.of(pending("x")), List.of());
        CheckpointFile before = CheckpointFile.empty().with("plan", new CheckpointFile.Entry(first, null, 3, false, null))
                .with("other", new CheckpointFile.Entry(second, null, 1, false, null));
        Lease lease = new Lease("other", "host-b", 2, T1);
        CheckpointFile after = before
                .with("plan", before.entry("plan").withCheckpoint(first.withStep(done("a"), T1)))
                .with("other", before.entry("other").withCheckpoint(new Checkpoint("other", "v1:fp2", 2, T1,
                        List.of(done("y")), List.of())).withLease(lease, false, null));

        CheckpointFile read = roundTrip(before, after);

        assertSameContent(read, after);
        CheckpointFile.Entry other = read.entry("other");
        assertThat(other.checkpoint().toJson()).isEqualTo(after.entry("other").checkpoint().toJson());
        assertThat(other.lease()).isEqualTo(lease);
        assertThat(other.lastToken()).isEqualTo(2);
    }

    @Test
    void aChangeOfTheLivenessFlagOrTheLastTokenAloneIsWritten() {
        Lease lease = new Lease("plan", "host-a", 4, T1);
        CheckpointFile before = file(checkpoint(1, List.of(done("a")), List.of()));
        CheckpointFile held = before.with("plan", before.entry("plan").withLease(lease, false, null));
        CheckpointFile locked = held.with("plan", held.entry("plan").withLease(lease, true, null));
        CheckpointFile.Entry e = held.entry("plan");
        CheckpointFile token = held.with("plan", new CheckpointFile.Entry(e.checkpoint(), e.lease(), 9, false, e.lockFile()));

        assertThat(payload(held, locked).path("plans").has("plan")).isTrue();
        assertThat(roundTrip(held, locked).entry("plan").livenessLocked()).isTrue();
        assertThat(payload(held, token).path("plans").has("plan")).isTrue();
        assertThat(roundTrip(held, token).entry("plan").lastToken()).isEqualTo(9);
    }

    // --- damaged change records -------------------------------------------------------------------

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A change of step "b" (position 1 of 2) that a test then damages. */
    private static ObjectNode change() {
        CheckpointFile before = file(checkpoint(1, List.of(pending("a"), pending("b")), List.of()));
        CheckpointFile after = file(before.entry("plan").checkpoint().withStep(done("b"), T1));
        return (ObjectNode) payload(before, after);
    }

    private static ObjectNode changesOf(ObjectNode root) {
        return (ObjectNode) root.path("plans").path("plan").path("changes");
    }

    private static void assertUnreadable(CheckpointFile start, byte[] payload, String why) {
        assertThatThrownBy(() -> CheckpointChanges.apply(start, List.of(payload), "cp-file"))
                .isInstanceOfSatisfying(UpgradeException.class, e -> {
                    assertThat(e.code()).isEqualTo(UpgradeErrorCode.CHECKPOINT_UNREADABLE);
                    assertThat(e.getMessage()).contains("cp-file", why);
                });
    }

    private static CheckpointFile twoSteps() {
        return file(checkpoint(1, List.of(pending("a"), pending("b")), List.of()));
    }

    @Test
    void aChangeRecordThatIsNotJsonIsUnreadable() {
        assertUnreadable(twoSteps(), "{not json".getBytes(StandardCharsets.UTF_8), "not valid JSON");
    }

    @Test
    void aChangeWithoutACheckpointToApplyToIsUnreadable() {
        assertUnreadable(CheckpointFile.empty(), bytes(change()), "has no checkpoint to apply to");
    }

    @Test
    void aChangeWithMorePositionsThanStepsIsUnreadable() {
        ObjectNode root = change();
        ((ArrayNode) changesOf(root).path("at")).add(0);
        assertUnreadable(twoSteps(), bytes(root), "2 positions for 1 steps");
    }

    @Test
    void aChangeNamingAPositionOutsideTheStepsIsUnreadable() {
        ObjectNode beyond = change();
        ((ArrayNode) changesOf(beyond).path("at")).set(0, 3);
        assertUnreadable(twoSteps(), bytes(beyond), "names step position 3 of 2");

        ObjectNode negative = change();
        ((ArrayNode) changesOf(negative).path("at")).set(0, -1);
        assertUnreadable(twoSteps(), bytes(negative), "names step position -1 of 2");
    }

    @Test
    void aChangeAtTheFirstFreePositionAppendsAndOneAtTheFirstStepReplacesIt() {
        ObjectNode append = change();
        ((ArrayNode) changesOf(append).path("at")).set(0, 2);
        changesOf(append).put("count", 3);
        ((ObjectNode) changesOf(append).path("steps").get(0)).put("id", "c");
        assertThat(CheckpointChanges.apply(twoSteps(), List.of(bytes(append)), "cp-file").entry("plan").checkpoint()
                .steps()).extracting(StepRecord::stepId).containsExactly("a", "b", "c");

        ObjectNode first = change();
        ((ArrayNode) changesOf(first).path("at")).set(0, 0);
        ((ObjectNode) changesOf(first).path("steps").get(0)).put("id", "z");
        assertThat(CheckpointChanges.apply(twoSteps(), List.of(bytes(first)), "cp-file").entry("plan").checkpoint()
                .steps()).extracting(StepRecord::stepId).containsExactly("z", "b");
    }

    @Test
    void aChangeLeavingAnotherStepCountThanItNamesIsUnreadable() {
        ObjectNode root = change();
        changesOf(root).put("count", 5);
        assertUnreadable(twoSteps(), bytes(root), "leaves 2 steps instead of 5");
    }
}
