package io.upgradesdk.upgrade.testkit.twohost;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two hosts, one plan: proves that a shared {@link CheckpointStore} keeps two JVMs from running a
 * plan at once. Each store module extends this class (Redis, JDBC, Elasticsearch, ...):
 *
 * <pre>{@code
 * @Tag("integration")
 * class MyStoreTwoHostRaceTest extends TwoHostRaceContract {
 *     protected Class<? extends HostStoreFactory> storeFactory() { return MyHostStoreFactory.class; }
 *     protected Map<String, String> storeSettings() { return Map.of("url", ..., "prefix", ...); }
 * }
 * }</pre>
 *
 * <p>Two host JVMs ({@link RaceHost}, on this JVM's class path) open the store through the factory
 * with the same settings; the test JVM opens a third instance to check the outcome. Lease expiry
 * follows the store's own clock, so the frozen-holder test really waits past the lease.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TwoHostRaceContract {

    private static final Duration ANSWER = Duration.ofSeconds(60);
    private static final int STEPS = 3;
    private static final int UNITS = 2;
    /** Each unit sleeps this long, so a run lasts ~350 ms: far longer than the hosts' start skew. */
    private static final long UNIT_SLEEP_MS = 50;

    private HostProcess hostA;
    private HostProcess hostB;
    private CheckpointStore store;
    private Path workDir;

    /** The factory both host JVMs and the test use to open the store. */
    protected abstract Class<? extends HostStoreFactory> storeFactory();

    /** Settings that make every instance share one backing storage (server, database, prefix). */
    protected abstract Map<String, String> storeSettings();

    /** How many simultaneous starts each race test makes. */
    protected int trials() {
        return 20;
    }

    @BeforeAll
    void startHosts() throws Exception {
        workDir = Files.createTempDirectory("two-host-race");
        Map<String, String> settings = storeSettings();
        store = storeFactory().getDeclaredConstructor().newInstance().open(settings);
        Path logs = Path.of("target", "two-host-logs", getClass().getSimpleName());
        hostA = HostProcess.start(storeFactory(), "host-a", settings, logs);
        hostB = HostProcess.start(storeFactory(), "host-b", settings, logs);
    }

    @AfterAll
    void stopHosts() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {hostA, hostB, store}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void simultaneousStartsFailFastAndExactlyOneHostRunsEachStep() throws Exception {
        Map<String, Integer> wins = new HashMap<>();
        for (int trial = 0; trial < trials(); trial++) {
            String planId = "race-" + UUID.randomUUID();
            Path effects = workDir.resolve(planId + ".log");
            long startAt = System.currentTimeMillis() + 150;
            hostA.run(planId, startAt, Duration.ofSeconds(5), Duration.ZERO, STEPS, UNITS, UNIT_SLEEP_MS, effects);
            hostB.run(planId, startAt, Duration.ofSeconds(5), Duration.ZERO, STEPS, UNITS, UNIT_SLEEP_MS, effects);
            List<HostProcess.Result> results = List.of(hostA.result(ANSWER), hostB.result(ANSWER));

            List<HostProcess.Result> winners = results.stream().filter(HostProcess.Result::succeeded).toList();
            assertThat(winners).as("trial %s: %s", trial, results).hasSize(1);
            HostProcess.Result winner = winners.get(0);
            HostProcess.Result loser = results.stream().filter(r -> r != winner).findFirst().orElseThrow();
            assertThat(loser.outcome()).as("trial %s loser %s", trial, loser).isEqualTo("EXCEPTION");
            assertThat(loser.code()).isEqualTo(UpgradeErrorCode.LOCK_HELD.id());
            assertThat(loser.message()).contains("'" + winner.owner() + "'");
            assertThat(winner.steps()).containsOnly("SUCCEEDED").hasSize(STEPS);
            assertEachUnitRanOnceBy(effects, planId, winner.owner());
            assertCompletedAndReleased(planId);
            wins.merge(winner.owner(), 1, Integer::sum);
        }
        System.out.println(getClass().getSimpleName() + " fail-fast trials won per host: " + wins);
    }

    @Test
    void simultaneousStartsWithLockWaitRunEachStepOnce() throws Exception {
        int trials = Math.max(1, trials() / 2);
        for (int trial = 0; trial < trials; trial++) {
            String planId = "wait-" + UUID.randomUUID();
            Path effects = workDir.resolve(planId + ".log");
            long startAt = System.currentTimeMillis() + 150;
            hostA.run(planId, startAt, Duration.ofSeconds(5), Duration.ofSeconds(20), STEPS, UNITS, UNIT_SLEEP_MS,
                    effects);
            hostB.run(planId, startAt, Duration.ofSeconds(5), Duration.ofSeconds(20), STEPS, UNITS, UNIT_SLEEP_MS,
                    effects);
            List<HostProcess.Result> results = List.of(hostA.result(ANSWER), hostB.result(ANSWER));

            assertThat(results).as("trial %s", trial).allSatisfy(r -> assertThat(r.succeeded()).isTrue());
            List<HostProcess.Result> runners = results.stream()
                    .filter(r -> r.steps().stream().allMatch("SUCCEEDED"::equals)).toList();
            assertThat(runners).as("trial %s: %s", trial, results).hasSize(1);
            HostProcess.Result waiter = results.stream().filter(r -> r != runners.get(0)).findFirst().orElseThrow();
            assertThat(waiter.steps()).containsOnly("ALREADY_DONE").hasSize(STEPS);
            assertEachUnitRanOnceBy(effects, planId, runners.get(0).owner());
            assertCompletedAndReleased(planId);
        }
    }

    @Test
    void frozenHolderIsTakenOverAndRefusedAtItsNextWrite() throws Exception {
        String planId = "freeze-" + UUID.randomUUID();
        Path effects = workDir.resolve(planId + ".log");
        Duration lease = Duration.ofMillis(2000);
        int units = 40;
        hostA.run(planId, 0, lease, Duration.ZERO, 2, units, 100, effects);
        Checkpoint beforeFreeze = awaitCursorOfStep2(planId, 3);

        try {
            Checkpoint frozenState = freezeBetweenStoreCalls(hostA, planId);
            int frozenCursor = Integer.parseInt(frozenState.step("step-2").cursor());
            assertThat(frozenCursor).isGreaterThanOrEqualTo(Integer.parseInt(beforeFreeze.step("step-2").cursor()));
            Thread.sleep(lease.toMillis() + 500);

            hostB.run(planId, 0, lease, Duration.ofSeconds(10), 2, units, 0, effects);
            HostProcess.Result taker = hostB.result(ANSWER);
            assertThat(taker.succeeded()).as("%s", taker).isTrue();
            assertThat(taker.steps()).containsExactly("ALREADY_DONE", "SUCCEEDED");
            Checkpoint takenOver = store.load(planId).orElseThrow();
            assertThat(takenOver.steps()).allSatisfy(s -> assertThat(s.state()).isEqualTo(StepState.SUCCEEDED));
            assertThat(takenOver.revision()).isGreaterThan(frozenState.revision());

            // host-b resumed from host-a's cursor: it did exactly the units after it.
            Map<String, List<Integer>> step2Units = unitsByOwner(effects, planId, "step-2");
            List<Integer> expectedForB = new ArrayList<>();
            for (int u = frozenCursor; u < units; u++) {
                expectedForB.add(u);
            }
            assertThat(step2Units.get("host-b")).isEqualTo(expectedForB);

            hostA.thaw();
            HostProcess.Result resumed = hostA.result(ANSWER);
            assertThat(resumed.outcome()).as("%s", resumed).isEqualTo("FAILED");
            assertThat(resumed.code()).isEqualTo(UpgradeErrorCode.LEASE_LOST.id());
            assertThat(resumed.message()).contains("host-a").contains("no longer holds the lease");
            Checkpoint afterResume = store.load(planId).orElseThrow();
            assertThat(afterResume.toJson()).isEqualTo(takenOver.toJson());
            assertThat(store.currentLease(planId)).isEmpty();
            // At most the unit host-a was in when frozen ran again after the thaw; nothing of it was recorded.
            assertThat(unitsByOwner(effects, planId, "step-2").get("host-a")).allSatisfy(u ->
                    assertThat(u).isLessThanOrEqualTo(frozenCursor));
        } finally {
            hostA.thaw();
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    /**
     * Freezes {@code host} (SIGSTOP) at a moment it is not inside a store call, and returns the state
     * it left. A host frozen while it holds a store-side lock (the file store's mutex, a database
     * transaction) makes every reader wait for it: that case ends in a timeout error, not a takeover,
     * and is not what this test is about; so when the state cannot be read within 2 s, the host is
     * let go (SIGCONT) and frozen again a moment later.
     */
    private Checkpoint freezeBetweenStoreCalls(HostProcess host, String planId) throws Exception {
        for (int attempt = 1; ; attempt++) {
            host.freeze();
            Thread.sleep(200); // let a write that was in flight land before reading the state
            CompletableFuture<Optional<Checkpoint>> read = CompletableFuture.supplyAsync(() -> store.load(planId));
            try {
                return read.get(2, TimeUnit.SECONDS).orElseThrow();
            } catch (TimeoutException frozenInsideAStoreCall) {
                host.thaw();
                read.get(60, TimeUnit.SECONDS);
                assertThat(attempt).as("host frozen inside a store call %s times in a row", attempt).isLessThan(5);
                Thread.sleep(37L * attempt);
            }
        }
    }

    private Checkpoint awaitCursorOfStep2(String planId, int atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Checkpoint> checkpoint = store.load(planId);
            String cursor = checkpoint.map(c -> c.step("step-2").cursor()).orElse(null);
            if (cursor != null && Integer.parseInt(cursor) >= atLeast) {
                return checkpoint.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("host-a did not reach unit " + atLeast + " of step-2 within 30 s");
    }

    private void assertCompletedAndReleased(String planId) {
        Checkpoint checkpoint = store.load(planId).orElseThrow();
        assertThat(checkpoint.steps()).hasSize(STEPS).allSatisfy(s -> {
            assertThat(s.state()).isEqualTo(StepState.SUCCEEDED);
            assertThat(s.attempts()).isEqualTo(1);
        });
        assertThat(checkpoint.steps()).extracting(StepRecord::stepId).containsExactly("step-1", "step-2", "step-3");
        assertThat(store.currentLease(planId)).isEmpty();
    }

    private static void assertEachUnitRanOnceBy(Path effects, String planId, String owner) throws Exception {
        List<String> lines = effectLines(effects, planId);
        List<String> expected = new ArrayList<>();
        for (int s = 1; s <= STEPS; s++) {
            for (int u = 0; u < UNITS; u++) {
                expected.add(planId + " step-" + s + " " + u + " " + owner);
            }
        }
        assertThat(lines).isEqualTo(expected);
    }

    private static Map<String, List<Integer>> unitsByOwner(Path effects, String planId, String stepId)
            throws Exception {
        return effectLines(effects, planId).stream().map(l -> l.split(" "))
                .filter(p -> p[1].equals(stepId))
                .collect(Collectors.groupingBy(p -> p[3], Collectors.mapping(p -> Integer.parseInt(p[2]),
                        Collectors.toList())));
    }

    private static List<String> effectLines(Path effects, String planId) throws Exception {
        if (!Files.exists(effects)) {
            return List.of();
        }
        return Files.readAllLines(effects, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith(planId + " "))
                .toList();
    }
}
