package io.upgradesdk.upgrade.internal;

import io.github.resilience4j.retry.Retry;
import io.upgradesdk.upgrade.PartitionClaims;
import io.upgradesdk.upgrade.PartitionState;
import io.upgradesdk.upgrade.PartitionStatus;
import io.upgradesdk.upgrade.PartitionedStep;
import io.upgradesdk.upgrade.Scheduler;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works the partitions of one {@link PartitionedStep} with N threads: each claims a free or
 * abandoned partition, runs it under the step's retry policy from its cursor, records it DONE or
 * FAILED and claims the next. Claims are renewed from a heartbeat and before every write. In a run
 * ({@link #untilAllFinished}) workers wait, polling, while other workers (maybe on other hosts) hold
 * partitions, and take over those whose claim expires; a joining worker ({@link #whileAnyIsFree})
 * stops when nothing is left to claim.
 *
 * <p>The worker that finds every partition finished cuts short the polls of the workers waiting
 * (it interrupts them while they are in the sleeper, and only then), so that the step ends when its
 * last partition is done, not up to one poll interval (1 s) later: that wait was the idle time
 * 8 slices of a copy lost against 1 in upgrade-elasticsearch's {@code SlicedCopyBench}.
 */
final class PartitionWorkers implements PartitionContextImpl.Host {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionWorkers.class);
    private static final Duration MAX_POLL = Duration.ofSeconds(1);
    private static final Duration MIN_HEARTBEAT = Duration.ofMillis(50);

    private final OperationScope scope;
    private final PartitionedStep step;
    private final PartitionClaims claims;
    private final String ownerPrefix;
    private final boolean waitForAll;
    private final BooleanSupplier runStopped;
    private final Set<PartitionClaims.Claim> active = ConcurrentHashMap.newKeySet();
    /** Each partition's last report (done, total) and their sums; guarded by the scope's lock. */
    private final Map<String, long[]> progress = new HashMap<>();
    private long doneSum;
    private long totalSum;
    /** Partitions whose last report had no total. */
    private int unknownTotals;
    /** The step's partitions, once known: the step's total is the sum of theirs once each reported one. */
    private volatile int partitionCount = -1;
    /** What stopped every worker: a stop of the run, a store failure, or an Error (rethrown as it is). */
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    /** Guards {@link #polling} and the setting of {@link #allDone}. */
    private final Object pollLock = new Object();
    /** The worker threads waiting in a poll now. */
    private final Set<Thread> polling = new HashSet<>();
    /** Set when a worker found every partition finished: no worker polls any more. */
    private volatile boolean allDone;

    private PartitionWorkers(OperationScope scope, PartitionedStep step, String ownerPrefix, boolean waitForAll,
            BooleanSupplier runStopped) {
        this.scope = scope;
        this.step = step;
        this.claims = new PartitionClaims(scope.store(), scope.settings().clock(), scope.planId(), step.id());
        this.ownerPrefix = ownerPrefix;
        this.waitForAll = waitForAll;
        this.runStopped = runStopped;
    }

    /** Workers of the run that holds the plan's lease: they wait until every partition is finished. */
    static PartitionWorkers untilAllFinished(OperationScope scope, PartitionedStep step, BooleanSupplier runStopped) {
        return new PartitionWorkers(scope, step, scope.settings().owner(), true, runStopped);
    }

    /** Workers that joined a run from elsewhere: they stop when no partition is free. */
    static PartitionWorkers whileAnyIsFree(OperationScope scope, PartitionedStep step) {
        return new PartitionWorkers(scope, step, scope.settings().owner() + "/join", false, () -> false);
    }

    PartitionClaims claims() {
        return claims;
    }

    int completed() {
        return completed.get();
    }

    int failed() {
        return failed.get();
    }

    /**
     * Records the step's partitions (computed now on its first start), makes failed ones pending
     * again, works them all and throws STEP_FAILED naming the partitions that failed.
     */
    void runStep(StepContext context) throws Exception {
        List<String> ids = claims.partitionIds();
        if (ids.isEmpty()) {    // the step's first start (or the first after a rollback): compute the list once
            ids = claims.register(step.partitionIds(context), scope.settings().owner(),
                    scope.settings().leaseDuration());
        }
        claims.retryFailed(scope.settings().owner(), scope.settings().leaseDuration());
        partitionCount = ids.size();
        work(workerCount(step.workers(), ids.size()));
        if (scope.stopRequested()) {
            throw scope.stopped("in partitioned step '" + step.id() + "' between partitions");
        }
        if (runStopped.getAsBoolean()) {
            throw new UpgradeException(UpgradeErrorCode.LEASE_LOST, "the run lost the lease of plan '"
                    + scope.planId() + "' while workers of step '" + step.id() + "' worked its partitions");
        }
        List<PartitionStatus> statuses = claims.list();
        List<PartitionStatus> notDone = statuses.stream().filter(p -> !p.state().isDone()).toList();
        if (!notDone.isEmpty()) {
            throw new UpgradeException(UpgradeErrorCode.STEP_FAILED, notDone.size() + " of " + statuses.size()
                    + " partitions of step '" + step.id() + "' did not finish: " + describe(notDone) + ". Run again:"
                    + " failed partitions resume from their cursor, done ones are not worked again");
        }
    }

    /** Starts {@code count} worker threads and waits for them; rethrows what stopped the run. */
    void work(int count) {
        ScheduledExecutorService ownHeartbeat = null;
        Scheduler.Scheduled heartbeat = null;
        if (scope.settings().heartbeat()) {
            Scheduler scheduler = scope.settings().scheduler();
            if (scheduler == null) {
                ownHeartbeat = Executors.newSingleThreadScheduledExecutor(daemon("upgrade-partition-lease"));
                scheduler = Scheduler.using(ownHeartbeat);
            }
            Duration leaseDuration = scope.settings().leaseDuration();
            Duration period = leaseDuration.dividedBy(3).compareTo(MIN_HEARTBEAT) > 0 ? leaseDuration.dividedBy(3)
                    : MIN_HEARTBEAT;
            heartbeat = scheduler.scheduleAtFixedRate(this::renewActiveClaims, period);
        }
        ExecutorService pool = Executors.newFixedThreadPool(count, daemon("upgrade-partition-" + step.id()));
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                String owner = ownerPrefix + "/w" + i;
                workers.add(pool.submit(() -> workerLoop(owner)));
            }
            for (Future<?> worker : workers) {
                awaitWorker(worker, pool);
            }
        } finally {
            pool.shutdownNow();
            if (heartbeat != null) {
                heartbeat.cancel();
            }
            if (ownHeartbeat != null) {
                ownHeartbeat.shutdownNow();
            }
        }
        Throwable stop = fatal.get();
        if (stop instanceof Error error) {
            throw error;        // e.g. a test kit's simulated crash: the process "died", nothing is released
        }
        if (stop != null) {
            throw (RuntimeException) stop;
        }
    }

    /** The default: as many as partitions, at most twice the processors and {@link PartitionedStep#MAX_DEFAULT_WORKERS}. */
    static int workerCount(int declared, int partitions) {
        if (declared > 0) {
            return Math.max(1, Math.min(declared, partitions));
        }
        int byMachine = Math.min(PartitionedStep.MAX_DEFAULT_WORKERS, 2 * Runtime.getRuntime().availableProcessors());
        return Math.max(1, Math.min(partitions, byMachine));
    }

    // --- PartitionContextImpl.Host -----------------------------------------------------------------

    /**
     * A partition's report: the step's count is the sum of its partitions' last reports, kept as
     * running sums (a report costs the same with ten partitions or ten thousand). A notice
     * ({@code progress(0, -1, text)}) goes out as the step's notice and leaves the sums alone.
     */
    @Override
    public void progress(String partitionId, long done, long total, String message) {
        String text = "partition " + partitionId + ": " + message;
        synchronized (scope) {  // listeners and progress rates are called from one thread at a time
            if (UpgradeEvent.StepProgress.isNotice(done, total)) {
                scope.emitProgress(step.id(), 0, -1, text);
                return;
            }
            long[] previous = progress.put(partitionId, new long[] {done, total});
            if (previous != null) {
                doneSum -= previous[0];
                forgetTotal(previous[1]);
            }
            doneSum += done;
            if (total < 0) {
                unknownTotals++;
            } else {
                totalSum += total;
            }
            // partitions not heard from yet: their share of the total is unknown
            boolean totalKnown = unknownTotals == 0 && partitionCount >= 0 && progress.size() >= partitionCount;
            scope.emitProgress(step.id(), doneSum, totalKnown ? totalSum : -1, text);
        }
    }

    private void forgetTotal(long total) {
        if (total < 0) {
            unknownTotals--;
        } else {
            totalSum -= total;
        }
    }

    @Override
    public boolean stopRequested() {
        return scope.stopRequested() || runStopped.getAsBoolean() || fatal.get() != null;
    }

    @Override
    public RuntimeException stopped(String partitionId) {
        return scope.stopped("in partition '" + partitionId + "' of step '" + step.id() + "' after it saved its"
                + " cursor");
    }

    // --- sub-steps -------------------------------------------------------------------------------

    private void workerLoop(String owner) {
        try {
            Duration poll = pollInterval();
            while (!stopRequested() && !allDone) {
                Optional<PartitionClaims.Claim> claim = claims.claim(owner, scope.settings().leaseDuration());
                if (claim.isPresent()) {
                    workPartition(claim.get());
                } else if (!waitForAll) {
                    return;
                } else if (allFinished()) {
                    endPolls();
                    return;
                } else {
                    poll(poll);
                }
            }
        } catch (StopRun stop) {
            fatal.compareAndSet(null, stop);
        } catch (UpgradeException e) {
            fatal.compareAndSet(null, e);
        } catch (Error e) {
            fatal.compareAndSet(null, e);       // the other workers stop at their next check
            throw e;
        } catch (RuntimeException e) {
            fatal.compareAndSet(null, new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "a worker of step '"
                    + step.id() + "' stopped: " + scope.redactor().describe(e) + ". Run again to resume", e));
        }
    }

    /**
     * Waits one poll interval with the runner's sleeper, unless every partition is finished: then
     * the wait is skipped, or cut short by {@link #endPolls} (the interrupt it takes ends here).
     */
    private void poll(Duration interval) {
        Thread self = Thread.currentThread();
        synchronized (pollLock) {
            if (allDone) {
                return;
            }
            polling.add(self);
        }
        try {
            scope.sleep(interval);
        } catch (StopRun stop) {
            if (!allDone) {
                throw stop;
            }
        } finally {
            synchronized (pollLock) {
                polling.remove(self);
                if (allDone) {
                    Thread.interrupted();   // endPolls' interrupt, if it came after the sleep ended
                }
            }
        }
    }

    /** Every partition is finished: the workers waiting in a poll stop waiting, and none starts one. */
    private void endPolls() {
        synchronized (pollLock) {
            allDone = true;
            polling.forEach(Thread::interrupt);
        }
    }

    /** Works one claimed partition to DONE or FAILED, retrying under the step's policy; releases the claim. */
    private void workPartition(PartitionClaims.Claim claim) {
        try (claim) {
            active.add(claim);
            workClaimed(claim);
        } catch (UpgradeException e) {
            if (e.code() != UpgradeErrorCode.LEASE_LOST) {
                throw e;
            }
            LOG.warn("partition '{}' of step '{}' was taken over: {}", claim.partitionId(), step.id(),
                    scope.redactor().redact(e.getMessage()));
        }
    }

    /**
     * The work under the claim; the heartbeat stops renewing the claim when this returns, before the
     * claim is released (a renewal after the release would fail and be logged as a takeover).
     */
    private void workClaimed(PartitionClaims.Claim claim) {
        try {
            LOG.debug("worker '{}' claimed partition '{}' of step '{}' (token {}, cursor {})", claim.lease().owner(),
                    claim.partitionId(), step.id(), claim.lease().token(), claim.cursor().orElse("none"));
            Instant claimedAt = scope.now();
            publishClaimed(claim);
            Retry.AsyncContext<Void> decision = scope.attemptsFor(step.retryPolicy()
                    .orElse(scope.settings().retryPolicy())).start();
            for (int attempt = 1; ; attempt++) {
                Exception error = attemptPartition(claim, attempt);
                if (error == null) {
                    claim.complete();
                    completed.incrementAndGet();
                    publish(new UpgradeEvent.PartitionDone(scope.now(), scope.planId(), step.id(), claim.partitionId(),
                            claim.lease().owner(), claim.record().attempts(), Duration.between(claimedAt, scope.now())));
                    return;
                }
                if (isLost(error)) {
                    LOG.warn("worker '{}' lost partition '{}' of step '{}' to another worker: {}",
                            claim.lease().owner(), claim.partitionId(), step.id(), scope.redactor().redact(
                                    error.getMessage()));
                    return;
                }
                stopIfTheRunCannotGoOn(error);
                long delay = decision.onError(error);
                if (delay < 0) {
                    String described = scope.redactor().describe(error);
                    claim.fail(described);
                    failed.incrementAndGet();
                    publish(new UpgradeEvent.PartitionFailed(scope.now(), scope.planId(), step.id(),
                            claim.partitionId(), claim.lease().owner(), claim.record().attempts(), described));
                    return;
                }
                if (stopRequested()) {
                    return;     // the claim is released with the partition RUNNING: the next run resumes it
                }
                scope.sleep(Duration.ofMillis(delay));
                claim.attemptAgain();
            }
        } finally {
            active.remove(claim);
        }
    }

    /** Publishes the claim, preceded by a takeover when an earlier worker left the partition RUNNING. */
    private void publishClaimed(PartitionClaims.Claim claim) {
        boolean resumes = claim.cursor().isPresent();
        String owner = claim.lease().owner();
        if (claim.claimedFrom() == PartitionState.RUNNING) {
            publish(new UpgradeEvent.PartitionTakenOver(scope.now(), scope.planId(), step.id(), claim.partitionId(),
                    owner, resumes));
        }
        publish(new UpgradeEvent.PartitionClaimed(scope.now(), scope.planId(), step.id(), claim.partitionId(), owner,
                claim.record().attempts(), resumes));
    }

    /** Listeners are called from one thread at a time, as for progress. */
    private void publish(UpgradeEvent event) {
        synchronized (scope) {
            scope.emit(event);
        }
    }

    private Exception attemptPartition(PartitionClaims.Claim claim, int attempt) {
        try (StepScopes entered = scope.enterStep(step.id(), claim.partitionId())) {
            step.executePartition(new PartitionContextImpl(scope, step.id(), claim, attempt, this));
            return null;
        } catch (StopRun stop) {
            throw stop;
        } catch (Exception e) {
            return e;
        }
    }

    private static boolean isLost(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UpgradeException e && e.code() == UpgradeErrorCode.LEASE_LOST) {
                return true;
            }
        }
        return false;
    }

    private void stopIfTheRunCannotGoOn(Exception error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StopRun stop) {
                throw stop;
            }
            if (t instanceof UpgradeException e && e.code() == UpgradeErrorCode.STORE_CONTRACT_BROKEN) {
                throw e;
            }
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new StopRun(UpgradeErrorCode.INTERRUPTED, "the run was interrupted; run again to resume");
            }
        }
    }

    private boolean allFinished() {
        return claims.allSettled();
    }

    private void renewActiveClaims() {
        for (PartitionClaims.Claim claim : active) {
            try {
                claim.renew();
            } catch (RuntimeException e) {
                LOG.warn("renewing the claim on partition '{}' of step '{}' failed: {}", claim.partitionId(),
                        step.id(), scope.redactor().redact(e.getMessage()));
            }
        }
    }

    private void awaitWorker(Future<?> worker, ExecutorService pool) {
        try {
            worker.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
            fatal.compareAndSet(null, new StopRun(UpgradeErrorCode.INTERRUPTED, "the run was interrupted while"
                    + " workers of step '" + step.id() + "' worked its partitions; run again to resume"));
        } catch (ExecutionException e) {
            fatal.compareAndSet(null, e.getCause() instanceof Error error ? error
                    : new IllegalStateException("a worker of step '" + step.id() + "' failed", e.getCause()));
        }
    }

    private Duration pollInterval() {
        Duration third = scope.settings().leaseDuration().dividedBy(3);
        return third.compareTo(MAX_POLL) < 0 ? third : MAX_POLL;
    }

    private static String describe(List<PartitionStatus> partitions) {
        List<String> lines = new ArrayList<>();
        for (PartitionStatus p : partitions.subList(0, Math.min(partitions.size(), 10))) {
            lines.add(p.partitionId() + " " + p.state() + (p.error() == null ? "" : " (" + p.error() + ")"));
        }
        return String.join("; ", lines) + (partitions.size() > 10 ? "; ..." : "");
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger counter = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
