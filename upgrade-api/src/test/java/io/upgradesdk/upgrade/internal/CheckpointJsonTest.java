package io.upgradesdk.upgrade.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upgradesdk.upgrade.AuditEntry;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The serial form the Redis, JDBC and Elasticsearch stores keep: every field, read back as written. */
class CheckpointJsonTest {

    private static final Instant T = Instant.parse("2026-11-30T10:00:00.123Z");

    private static Checkpoint everyField() {
        return new Checkpoint("plan", "v3:abc", 17, T.plusSeconds(99), List.of(
                new StepRecord("done", StepState.SUCCEEDED, 2, null, T, T.plusSeconds(5), null),
                new StepRecord("failed", StepState.FAILED, 4, "cursor-9", T.plusSeconds(6), T.plusSeconds(8), "boom"),
                new StepRecord("retried", StepState.PENDING, 1, null, null, null, null),
                new StepRecord("resumable", StepState.PENDING, 0, "cursor-1", null, null, null),
                new StepRecord("started", StepState.PENDING, 0, null, T.plusSeconds(1), null, null),
                new StepRecord("finished", StepState.PENDING, 0, null, null, T.plusSeconds(2), null),
                new StepRecord("refused", StepState.PENDING, 0, null, null, null, "no space"),
                new StepRecord("untouched", StepState.PENDING, 0, null, null, null, null)),
                List.of(new AuditEntry(T.plusSeconds(50), "alice", "MARK_DONE", "done", "by hand"),
                        new AuditEntry(T.plusSeconds(51), "bob", "FORCE_RELEASE_LOCK", null, "host died")));
    }

    @Test
    void everyFieldIsWrittenAndReadBack() {
        Checkpoint written = everyField();

        Checkpoint read = CheckpointJson.read(CheckpointJson.write(written), "test");

        assertThat(read.planId()).isEqualTo("plan");
        assertThat(read.fingerprint()).isEqualTo("v3:abc");
        assertThat(read.revision()).isEqualTo(17);
        assertThat(read.updatedAt()).isEqualTo(T.plusSeconds(99));
        assertThat(read.steps()).containsExactlyElementsOf(written.steps().subList(0, 7));
        assertThat(read.audit()).containsExactlyElementsOf(written.audit());
    }

    @Test
    void onlyUntouchedPendingStepsAreLeftOutAndTheDocumentNamesItsFormat() throws Exception {
        JsonNode json = new ObjectMapper().readTree(CheckpointJson.write(everyField()));

        assertThat(json.path("format").asText()).isEqualTo(CheckpointJson.FORMAT);
        assertThat(json.path("version").asInt()).isEqualTo(CheckpointJson.VERSION);
        assertThat(json.path("steps")).extracting(s -> s.path("id").asText())
                .containsExactly("done", "failed", "retried", "resumable", "started", "finished", "refused");
        assertThat(json.path("steps").get(0).has("cursor")).isFalse();
        assertThat(json.path("audit").get(1).has("stepId")).isFalse();
        assertThat(json.path("audit").get(1).path("reason").asText()).isEqualTo("host died");
    }

    @Test
    void aStepsJsonIsOneCompleteObject() throws Exception {
        StepRecord step = new StepRecord("failed", StepState.FAILED, 4, "c", T, T.plusSeconds(1), "boom");

        JsonNode json = new ObjectMapper().readTree(CheckpointJson.stepJson(step));

        assertThat(json.path("attempts").asInt()).isEqualTo(4);
        assertThat(json.path("cursor").asText()).isEqualTo("c");
        assertThat(json.path("startedAt").asText()).isEqualTo(T.toString());
        assertThat(json.path("finishedAt").asText()).isEqualTo(T.plusSeconds(1).toString());
        assertThat(json.path("error").asText()).isEqualTo("boom");
        assertThat(CheckpointJson.stepJson(step)).endsWith("}");
    }

    @Test
    void checkpointsDifferingInOneFieldAreNotEqual() {
        Checkpoint base = everyField();

        assertThat(base).isEqualTo(Checkpoint.fromJson(base.toJson(), "test"));
        assertThat(base.withStep(base.step("failed").withCursor("cursor-10"), base.updatedAt())).isNotEqualTo(base);
        assertThat(base.toJson()).isNotEmpty();
    }
}
