package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.spi.ForwardingCheckpointStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The claim heartbeat stops renewing a partition's claim before the worker releases it: a renewal
 * landing right after the release failed with LEASE_LOST and logged a WARN saying another run took
 * the partition over, when the worker had just finished it (seen in the sliced-copy kill trials).
 */
@Timeout(30)
class PartitionClaimHeartbeatTest {

    private final TestClock clock = new TestClock();
    private final InMemoryCheckpointStore memory = new InMemoryCheckpointStore(clock);
    private final List<Runnable> heartbeats = new CopyOnWriteArrayList<>();
    private final List<String> renewalsOfReleasedClaims = new CopyOnWriteArrayList<>();
    private final List<Lease> released = new CopyOnWriteArrayList<>();

    /** A heartbeat that runs only when the store below triggers it. */
    private final Scheduler manual = (task, period) -> {
        heartbeats.add(task);
        return () -> heartbeats.remove(task);
    };

    /** The in-memory store; right after a partition claim is released, every heartbeat runs once. */
    private final CheckpointStore store = new ForwardingCheckpointStore(memory) {
        @Override
        public Lease renewLease(Lease lease, Duration duration) {
            if (released.stream().anyMatch(r -> r.planId().equals(lease.planId()) && r.token() == lease.token())) {
                renewalsOfReleasedClaims.add(lease.planId());
            }
            return super.renewLease(lease, duration);
        }

        @Override
        public void releaseLease(Lease lease) {
            super.releaseLease(lease);
            if (lease.planId().startsWith("partition:")) {
                released.add(lease);
                heartbeats.forEach(Runnable::run);
            }
        }
    };

    @Test
    void aReleasedPartitionClaimIsNotRenewedByTheHeartbeat() {
        UpgradeStep copy = UpgradeStep.partitioned("copy")
                .partitions(ctx -> IntStream.range(0, 3).mapToObj(i -> "s" + i).toList())
                .workers(1).execute(part -> part.saveCursor("1")).build();

        UpgradeReport report = UpgradeRunner.builder().store(store).owner("host").clock(clock).sleeper(clock::advance)
                .heartbeat(true).scheduler(manual).leaseDuration(Duration.ofSeconds(30)).build()
                .up(UpgradePlan.builder("plan").step(copy).build());

        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(released).as("partition claims released").hasSize(3);
        assertThat(renewalsOfReleasedClaims).as("renewals of claims already released").isEmpty();
    }
}
