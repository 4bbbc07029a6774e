package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A step's cursor as a typed state: saved as JSON, read back as the step's own record. */
class TypedCursorTest {

    record CopyState(String index, long copied) {
    }

    record CopyStateV2(String index, long copied, String lastId) {
    }

    private final TestClock clock = new TestClock();
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore(clock);
    private final List<CopyState> seen = new ArrayList<>();

    private UpgradeRunner runner() {
        return UpgradeRunner.builder().store(store).owner("host").clock(clock).sleeper(clock::advance)
                .heartbeat(false)
                .retryPolicy(RetryPolicy.custom().maxAttempts(1).initialBackoff(Duration.ZERO).jitter(0).build())
                .build();
    }

    private static UpgradePlan plan(StepAction action) {
        return UpgradePlan.builder("typed").step(UpgradeStep.builder("copy").execute(action).build()).build();
    }

    @Test
    void aSavedStateIsReadBackAsTheSameRecordByTheResumedRun() {
        UpgradePlan crashing = plan(ctx -> {
            ctx.saveCursor(new CopyState("logs", 500));
            throw new IllegalStateException("crash after 500");
        });
        assertThat(runner().up(crashing).outcome()).isEqualTo(Outcome.FAILED);
        assertThat(store.load("typed").orElseThrow().step("copy").cursor())
                .isEqualTo("{\"index\":\"logs\",\"copied\":500}");

        UpgradePlan resuming = plan(ctx -> ctx.cursor(CopyState.class).ifPresent(seen::add));
        assertThat(runner().up(resuming).outcome()).isEqualTo(Outcome.SUCCEEDED);

        assertThat(seen).containsExactly(new CopyState("logs", 500));
    }

    @Test
    void aStepStartingFromTheBeginningSeesNoState() {
        List<Boolean> present = new ArrayList<>();
        runner().up(plan(ctx -> present.add(ctx.cursor(CopyState.class).isPresent())));
        assertThat(present).containsExactly(false);
    }

    @Test
    void aStateClassMayGainAndLoseFieldsBetweenVersions() {
        runner().up(plan(ctx -> {
            ctx.saveCursor(new CopyStateV2("logs", 7, "id-7"));
            throw new IllegalStateException("crash");
        }));

        runner().up(plan(ctx -> ctx.cursor(CopyState.class).ifPresent(seen::add)));

        assertThat(seen).containsExactly(new CopyState("logs", 7));
    }

    @Test
    void aCursorThatIsNotTheStatesJsonFailsTheStepWithAnUnreadableCheckpointError() {
        runner().up(plan(ctx -> {
            ctx.saveCursor("after id 42");
            throw new IllegalStateException("crash");
        }));

        UpgradeReport report = runner().up(plan(ctx -> ctx.cursor(CopyState.class)));

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.steps().get(0).error()).contains("cannot be read as CopyState", "ctx.cursor()");
    }

    @Test
    void theStringFormStillWorksBesideTheTypedOne() {
        runner().up(plan(ctx -> {
            ctx.saveCursor("after id 42");
            throw new IllegalStateException("crash");
        }));
        List<String> cursors = new ArrayList<>();
        runner().up(plan(ctx -> ctx.cursor().ifPresent(cursors::add)));
        assertThat(cursors).containsExactly("after id 42");
    }

    @Test
    void aStateHoldingASecretIsRefusedLikeAStringCursor() {
        Secret password = Secret.of("pg", "s3cr3t-value");
        UpgradePlan plan = UpgradePlan.builder("typed").secret(password)
                .step(UpgradeStep.builder("copy").execute(ctx -> ctx.saveCursor(new CopyState("s3cr3t-value", 1)))
                        .build())
                .build();

        UpgradeReport report = runner().up(plan);

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.toJson()).doesNotContain("s3cr3t-value");
        assertThat(store.load("typed").orElseThrow().toJson()).doesNotContain("s3cr3t-value");
    }
}
