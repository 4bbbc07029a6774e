package io.upgradesdk.upgrade.elasticsearch;

import io.lettuce.core.RedisURI;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.JoinReport;
import io.upgradesdk.upgrade.PlanStatus;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeListener;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.store.jdbc.JdbcCheckpointStore;
import io.upgradesdk.upgrade.store.redis.RedisCheckpointStore;
import io.upgradesdk.upgrade.testkit.KillTrials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A worker JVM of {@link SlicedCopyKillTrialsTest}: opens the trial's shared store, waits until the
 * test's in-process run has started the sliced copy step, joins it ({@code runner.join(plan)}) and
 * exits when no partition is left to claim. Its partition events go to {@code events-<owner>.log}
 * in the trial folder, one line each, so that the test sees who took over what after a SIGKILL.
 *
 * <p>Arguments: the trial folder (holding {@code trial.properties}) and this worker's owner name.
 */
public final class SlicedCopyWorkerMain {

    static final String STEP = "copy-users";
    static final int SLICES = 8;
    static final int PAGE = 1000;
    private static final Duration JOIN_DEADLINE = Duration.ofMinutes(5);

    private SlicedCopyWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        String owner = args[1];
        Properties settings = KillTrials.settings(work);
        Path events = work.resolve("events-" + owner + ".log");
        try (CheckpointStore store = openStore(settings);
                ElasticsearchConnection from = ElasticsearchConnection.open(ElasticsearchEndpoint.of(settings.getProperty("es5")));
                ElasticsearchConnection to = ElasticsearchConnection.open(ElasticsearchEndpoint.of(settings.getProperty("es7")))) {
            UpgradePlan plan = plan(settings, from, to);
            UpgradeRunner runner = UpgradeRunner.builder().store(store).owner(owner)
                    .leaseDuration(Duration.ofMillis(Long.parseLong(settings.getProperty("leaseMillis"))))
                    .listener(eventLog(owner, line -> append(events, line))).build();
            long deadline = System.nanoTime() + JOIN_DEADLINE.toNanos();
            while (System.nanoTime() < deadline) {
                JoinReport joined = runner.join(plan);
                if (joined.stepId().isPresent() || stepFinished(runner.status(plan))) {
                    return;
                }
                Thread.sleep(50);   // the in-process run has not started the step yet
            }
            throw new IllegalStateException("the copy step never started within " + JOIN_DEADLINE);
        }
    }

    private static boolean stepFinished(PlanStatus status) {
        return status.steps().stream().anyMatch(s -> s.stepId().equals(STEP) && s.state() == StepState.SUCCEEDED);
    }

    /**
     * The plan every worker of a trial builds: one partitioned step copying 8 slices, 1 thread per
     * worker, pages of 1,000 documents, one bulk in flight (so at most one page is written past a
     * saved cursor), no refresh per slice (the test refreshes once).
     */
    static UpgradePlan plan(Properties settings, ElasticsearchConnection from, ElasticsearchConnection to) {
        DocumentCopy copy = DocumentCopy.from(from, settings.getProperty("source"))
                .to(to, settings.getProperty("target"))
                .slices(SLICES).pageSize(PAGE).writeConcurrency(1).refreshAtEnd(false).build();
        return UpgradePlan.builder(settings.getProperty("planId"))
                .step(copy.partitionedStep(STEP).workers(1).build()).build();
    }

    /** The trial's shared store: Redis ({@code redisUri}) or PostgreSQL ({@code jdbcUrl}, {@code jdbcUser}). */
    static CheckpointStore openStore(Properties settings) {
        if ("redis".equals(settings.getProperty("store"))) {
            return RedisCheckpointStore.builder().uri(RedisURI.create(settings.getProperty("redisUri"))).build();
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(settings.getProperty("jdbcUrl"));
        ds.setUser(settings.getProperty("jdbcUser"));
        return JdbcCheckpointStore.builder(ds).build();
    }

    /** A listener writing one line per partition event: {@code <millis> <kind> <partition> <owner> <resumes>}. */
    static UpgradeListener eventLog(String worker, java.util.function.Consumer<String> out) {
        return event -> {
            String line = null;
            if (event instanceof UpgradeEvent.PartitionTakenOver e) {
                line = "TAKEN_OVER " + e.partitionId() + " " + e.owner() + " " + e.resumesFromCursor();
            } else if (event instanceof UpgradeEvent.PartitionClaimed e) {
                line = "CLAIMED " + e.partitionId() + " " + e.owner() + " " + e.resumesFromCursor();
            } else if (event instanceof UpgradeEvent.PartitionDone e) {
                line = "DONE " + e.partitionId() + " " + e.owner() + " -";
            } else if (event instanceof UpgradeEvent.PartitionFailed e) {
                line = "FAILED " + e.partitionId() + " " + e.owner() + " -";
            }
            if (line != null) {
                out.accept(System.currentTimeMillis() + " " + line + "\n");
            }
        };
    }

    private static void append(Path file, String line) {
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
