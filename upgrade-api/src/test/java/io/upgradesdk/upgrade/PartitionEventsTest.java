package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.event.Level;

/** Partition workers publish typed events (claimed, taken over, done, failed), and the SLF4J listener logs them. */
@Timeout(30)
class PartitionEventsTest {

    private static final RetryPolicy NO_RETRY = RetryPolicy.custom().maxAttempts(1).build();

    private final TestClock clock = new TestClock();
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore(clock);
    private final List<UpgradeEvent> events = new CopyOnWriteArrayList<>();
    private final RecordingLogger log = new RecordingLogger();

    private UpgradeReport up(UpgradeStep step) {
        return UpgradeRunner.builder().store(store).owner("host").clock(clock).sleeper(clock::advance)
                .heartbeat(false).leaseDuration(Duration.ofSeconds(30)).retryPolicy(NO_RETRY)
                .listener(events::add).listener(new Slf4jUpgradeListener(log)).build()
                .up(UpgradePlan.builder("plan").step(step).build());
    }

    private static UpgradeStep copy(int partitions, PartitionAction action) {
        return UpgradeStep.partitioned("copy")
                .partitions(ctx -> IntStream.range(0, partitions).mapToObj(i -> "s" + i).toList())
                .workers(1).execute(action).build();
    }

    private <T extends UpgradeEvent> List<T> eventsOf(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void eachPartitionIsClaimedAndDoneWithItsOwnerAndAttempts() {
        assertThat(up(copy(2, part -> clock.advance(Duration.ofMillis(40)))).outcome()).isEqualTo(Outcome.SUCCEEDED);

        assertThat(eventsOf(UpgradeEvent.PartitionClaimed.class)).extracting(
                UpgradeEvent.PartitionClaimed::partitionId, UpgradeEvent.PartitionClaimed::attempts,
                UpgradeEvent.PartitionClaimed::resumesFromCursor)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("s0", 1, false),
                        org.assertj.core.groups.Tuple.tuple("s1", 1, false));
        assertThat(eventsOf(UpgradeEvent.PartitionClaimed.class)).allSatisfy(e -> {
            assertThat(e.planId()).isEqualTo("plan");
            assertThat(e.stepId()).isEqualTo("copy");
            assertThat(e.owner()).startsWith("host/w");
        });
        assertThat(eventsOf(UpgradeEvent.PartitionDone.class)).extracting(UpgradeEvent.PartitionDone::partitionId,
                e -> e.duration().toMillis()).containsExactly(org.assertj.core.groups.Tuple.tuple("s0", 40L),
                        org.assertj.core.groups.Tuple.tuple("s1", 40L));
        assertThat(eventsOf(UpgradeEvent.PartitionTakenOver.class)).isEmpty();
        assertThat(eventsOf(UpgradeEvent.PartitionFailed.class)).isEmpty();
    }

    @Test
    void aPartitionLeftRunningByADeadWorkerIsTakenOverAfterItsClaimExpiresAndSaysItResumes() {
        PartitionClaims claims = new PartitionClaims(store, clock, "plan", "copy");
        claims.register(List.of("s0", "s1"), "dead-host", Duration.ofSeconds(30));
        PartitionClaims.Claim abandoned = claims.claim("s0", "dead-host/w1", Duration.ofSeconds(30)).orElseThrow();
        abandoned.saveCursor("7");      // then the worker dies: its claim is never released

        assertThat(up(copy(2, part -> { })).outcome()).isEqualTo(Outcome.SUCCEEDED);

        assertThat(eventsOf(UpgradeEvent.PartitionTakenOver.class)).singleElement().satisfies(e -> {
            assertThat(e.partitionId()).isEqualTo("s0");
            assertThat(e.owner()).startsWith("host/w");
            assertThat(e.resumesFromCursor()).isTrue();
        });
        assertThat(eventsOf(UpgradeEvent.PartitionClaimed.class))
                .filteredOn(e -> e.partitionId().equals("s0")).singleElement()
                .satisfies(e -> {
                    assertThat(e.attempts()).isEqualTo(2);
                    assertThat(e.resumesFromCursor()).isTrue();
                });
        assertThat(events.indexOf(eventsOf(UpgradeEvent.PartitionTakenOver.class).get(0)))
                .isLessThan(events.indexOf(eventsOf(UpgradeEvent.PartitionClaimed.class).stream()
                        .filter(e -> e.partitionId().equals("s0")).findFirst().orElseThrow()));
        assertThat(log.at(Level.INFO, "taken over")).containsExactly("INFO [plan] step copy: partition s0 taken over by "
                + eventsOf(UpgradeEvent.PartitionTakenOver.class).get(0).owner()
                + " from an expired or released claim, resuming from its cursor");
    }

    @Test
    void aFailedPartitionIsPublishedWithItsErrorAndLoggedAtWarn() {
        up(copy(2, part -> {
            if (part.partitionId().equals("s1")) {
                throw new IllegalStateException("slice unreadable");
            }
        }));

        assertThat(eventsOf(UpgradeEvent.PartitionFailed.class)).singleElement().satisfies(e -> {
            assertThat(e.partitionId()).isEqualTo("s1");
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.error()).contains("slice unreadable");
        });
        assertThat(eventsOf(UpgradeEvent.PartitionDone.class)).extracting(UpgradeEvent.PartitionDone::partitionId)
                .containsExactly("s0");
        assertThat(log.at(Level.WARN, "partition s1 failed")).singleElement().asString()
                .contains("after 1 attempt(s)").contains("slice unreadable");
    }

    @Test
    void claimsAreLoggedAtInfoUpToABoundPerStepThenAtDebug() {
        int partitions = Slf4jUpgradeListener.CLAIM_LINES_PER_STEP + 5;
        up(copy(partitions, part -> { }));

        assertThat(log.at(Level.INFO, " claimed by ")).hasSize(Slf4jUpgradeListener.CLAIM_LINES_PER_STEP)
                .first().asString().isEqualTo("INFO [plan] step copy: partition s0 claimed by "
                        + eventsOf(UpgradeEvent.PartitionClaimed.class).get(0).owner() + " (attempt 1)");
        assertThat(log.at(Level.INFO, "further partition claims")).containsExactly(
                "INFO [plan] step copy: further partition claims are logged at DEBUG");
        assertThat(log.at(Level.DEBUG, " claimed by ")).hasSize(5);
        assertThat(log.at(Level.DEBUG, " done by ")).hasSize(partitions);
    }
}
