package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.spi.Check;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The partitions of one {@link PartitionedStep} of one plan, claimed through any
 * {@link CheckpointStore} with no store-specific code: each partition's state is an ordinary
 * checkpoint under its own key ({@link #partitionKey}), guarded by an ordinary fenced lease under the
 * same key, and the step's partition list is a checkpoint under {@link #listKey}. So a claim is
 * exclusive, expires, is taken over, and refuses a stale owner's writes exactly as the store's plan
 * leases do, and every store that passes {@code CheckpointStoreContract} supports partitions.
 *
 * <pre>{@code
 * PartitionClaims claims = new PartitionClaims(store, clock, "plan", "copy");
 * claims.register(List.of("s0", "s1"), "host-a", Duration.ofSeconds(30));
 * try (PartitionClaims.Claim claim = claims.claim("host-a#1", Duration.ofSeconds(30)).orElseThrow()) {
 *     claim.saveCursor("42");      // fenced: LEASE_LOST once another worker took the partition over
 *     claim.complete();
 * }
 * }</pre>
 *
 * <p>An instance remembers the partitions it has seen done, skipped or failed: the next claim's
 * search ({@link #claim(String, Duration)}) and {@link #allSettled()} do not read them from the
 * store again, so working a step of n partitions reads O(n) partition records, not O(n²) (each
 * claim used to read every partition before the first free one). A correction made through another
 * instance meanwhile is seen by {@link #list()} and {@link #status}, which always read the store,
 * and by a new instance.
 *
 * <p>The runner uses this class; hosts need it only to inspect or correct partitions by hand
 * (prefer {@link UpgradeRunner#partitions} and the runner's per-partition recovery operations).
 * Thread-safe as far as the store is; a {@link Claim} may be renewed from another thread.
 */
public final class PartitionClaims {

    private static final int MAX_KEY_LENGTH = 200;
    private static final String PARTITION_FORMAT = "partition/v1";
    private static final String LIST_FORMAT = "partition-list/v1";
    private static final String PARTITION_PREFIX = "partition:";
    private static final String LIST_PREFIX = "partitions:";

    private final CheckpointStore store;
    private final Clock clock;
    private final String planId;
    private final String stepId;
    /** Partitions this instance saw DONE, SKIPPED or FAILED: a claim's search does not read them again. */
    private final Set<String> settled = ConcurrentHashMap.newKeySet();

    /** The partitions of step {@code stepId} of plan {@code planId}, kept in {@code store}. */
    public PartitionClaims(CheckpointStore store, Clock clock, String planId, String stepId) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.planId = Check.planId(planId);
        this.stepId = Check.stepId(stepId);
    }

    /**
     * The store key of a partition's state and claim: {@code partition:<plan>:<step>:<partition>}, or
     * {@code partition:@h:<hash>} when that would be longer than a plan id may be. Ids may contain
     * {@code :} and {@code @}, so each part is escaped ({@code @} as {@code @a}, {@code :} as {@code @c})
     * before joining: distinct (plan, step, partition) triples never share a key. Ids without those
     * characters appear unchanged.
     */
    public static String partitionKey(String planId, String stepId, String partitionId) {
        return key(PARTITION_PREFIX, escaped(Check.planId(planId)) + ":" + escaped(Check.stepId(stepId)) + ":"
                + escaped(Check.stepId(partitionId)));
    }

    /**
     * The store key of a step's recorded partition list: {@code partitions:<plan>:<step>}, escaped and
     * hashed as in {@link #partitionKey}.
     */
    public static String listKey(String planId, String stepId) {
        return key(LIST_PREFIX, escaped(Check.planId(planId)) + ":" + escaped(Check.stepId(stepId)));
    }

    // --- the partition list ----------------------------------------------------------------------

    /**
     * Records {@code partitionIds} as the step's partitions unless a list is already recorded, and
     * returns the recorded list (the given one, or the one recorded by an earlier run).
     *
     * @throws UpgradeException {@code INVALID_PLAN} for an empty list, a duplicate or a malformed id;
     *         {@code LOCK_HELD} while another run records or resets the list
     */
    public List<String> register(List<String> partitionIds, String owner, Duration leaseDuration) {
        List<String> ids = validated(partitionIds);
        List<String> recorded = partitionIds();
        if (!recorded.isEmpty()) {
            return recorded;
        }
        writeList(ids, owner, leaseDuration);
        return ids;
    }

    /** The recorded partition ids, in order; empty before the step first started or after a reset. */
    public List<String> partitionIds() {
        return store.load(listKey(planId, stepId)).map(list -> list.steps().stream().map(StepRecord::stepId).toList())
                .orElse(List.of());
    }

    /** Every recorded partition's status, in order. */
    public List<PartitionStatus> list() {
        return partitionIds().stream().map(this::status).toList();
    }

    /** What the store holds about one partition (pending when nothing is recorded). */
    public PartitionStatus status(String partitionId) {
        String key = partitionKey(planId, stepId, partitionId);
        StepRecord record = recordOf(store.load(key), partitionId);
        return new PartitionStatus(partitionId, stateOf(record.state()), record.attempts(), record.cursor(),
                store.currentLease(key), record.error());
    }

    // --- claims ----------------------------------------------------------------------------------

    /**
     * Claims the first recorded partition that is {@link PartitionState#PENDING}, or
     * {@link PartitionState#RUNNING} under a claim that expired or was released, and marks it RUNNING
     * with one more attempt. Empty when every partition is done, failed or held by a live claim.
     */
    public Optional<Claim> claim(String owner, Duration leaseDuration) {
        for (String partitionId : partitionIds()) {
            if (settled.contains(partitionId)) {
                continue;
            }
            Optional<Claim> claim = claim(partitionId, owner, leaseDuration);
            if (claim.isPresent()) {
                return claim;
            }
        }
        return Optional.empty();
    }

    /** Claims that partition if it is free (as {@link #claim(String, Duration)} says); empty otherwise. */
    public Optional<Claim> claim(String partitionId, String owner, Duration leaseDuration) {
        String key = partitionKey(planId, stepId, partitionId);
        if (!isClaimable(seen(partitionId, recordOf(store.load(key), partitionId).state()))) {
            return Optional.empty();
        }
        Lease lease;
        try {
            lease = store.acquireLease(key, owner, leaseDuration);
        } catch (UpgradeException e) {
            if (e.code() == UpgradeErrorCode.LOCK_HELD) {
                return Optional.empty();
            }
            throw e;
        }
        Optional<Checkpoint> current = store.load(key);   // read again: it may have finished meanwhile
        StepRecord record = recordOf(current, partitionId);
        if (!isClaimable(seen(partitionId, record.state()))) {
            store.releaseLease(lease);
            return Optional.empty();
        }
        Claim claim = new Claim(partitionId, key, lease, leaseDuration, current.orElseGet(() -> fresh(key, partitionId)),
                stateOf(record.state()));
        claim.write(record.started(clock.instant()).attempted());
        return Optional.of(claim);
    }

    /**
     * Whether every recorded partition is done, skipped or failed: no worker has anything left to
     * claim. Partitions this instance has seen so are not read again (see the class comment).
     */
    public boolean allSettled() {
        for (String partitionId : partitionIds()) {
            if (!settled.contains(partitionId) && !isSettled(seen(partitionId,
                    recordOf(store.load(partitionKey(planId, stepId, partitionId)), partitionId).state()))) {
                return false;
            }
        }
        return true;
    }

    /** {@code state}, read from the store for {@code partitionId}; remembered when it is settled. */
    private StepState seen(String partitionId, StepState state) {
        if (isSettled(state)) {
            settled.add(partitionId);
        }
        return state;
    }

    private static boolean isSettled(StepState state) {
        return state.isDone() || state == StepState.FAILED;
    }

    // --- corrections -----------------------------------------------------------------------------

    /**
     * Sets a partition's state by hand, under its own claim, with an audit entry in the partition's
     * record: {@code DONE} or {@code SKIPPED} so that no worker works it, {@code PENDING} to have it
     * worked again from the start (the cursor is dropped), {@code FAILED} never.
     *
     * @throws UpgradeException {@code LOCK_HELD} while a live worker holds the partition;
     *         {@code UNKNOWN_STEP} for a partition that is not recorded
     */
    public PartitionStatus correct(String partitionId, PartitionState state, AuditEntry audit, Duration leaseDuration) {
        Check.argument(state != PartitionState.FAILED && state != PartitionState.RUNNING,
                "a partition can be corrected to DONE, SKIPPED or PENDING, not %s", state);
        if (!partitionIds().contains(partitionId)) {
            throw new UpgradeException(UpgradeErrorCode.UNKNOWN_STEP, "step '" + stepId + "' of plan '" + planId
                    + "' has no recorded partition '" + partitionId + "'; recorded: " + partitionIds());
        }
        String key = partitionKey(planId, stepId, partitionId);
        Lease lease = store.acquireLease(key, audit.by(), leaseDuration);
        try {
            Checkpoint current = store.load(key).orElseGet(() -> fresh(key, partitionId));
            StepRecord record = current.step(partitionId);
            Instant now = clock.instant();
            StepRecord corrected = state == PartitionState.PENDING ? record.reset(StepState.PENDING, now)
                    : record.finished(stepStateOf(state), now, null);
            store.save(current.withStep(corrected, now).withAudit(audit), lease);
            settled.remove(partitionId);
        } finally {
            store.releaseLease(lease);
        }
        return status(partitionId);
    }

    /**
     * Makes every {@link PartitionState#FAILED} partition {@link PartitionState#PENDING} again, its
     * cursor kept: a new run of the step retries them. Partitions held by a live claim are left alone.
     */
    public void retryFailed(String owner, Duration leaseDuration) {
        settled.clear();
        for (String partitionId : partitionIds()) {
            String key = partitionKey(planId, stepId, partitionId);
            if (recordOf(store.load(key), partitionId).state() != StepState.FAILED) {
                continue;
            }
            withLease(key, partitionId, owner, leaseDuration, (current, lease) -> {
                StepRecord record = current.step(partitionId);
                if (record.state() == StepState.FAILED) {
                    StepRecord pending = new StepRecord(partitionId, StepState.PENDING, record.attempts(),
                            record.cursor(), record.startedAt(), clock.instant(), record.error());
                    store.save(current.withStep(pending, clock.instant()), lease);
                }
            });
        }
    }

    /**
     * Forgets the step's partitions (a rollback): every recorded partition back to PENDING with no
     * cursor, and the list cleared so that the step's next start computes it afresh.
     *
     * @throws UpgradeException {@code LOCK_HELD} while a live worker holds a partition
     */
    public void resetAll(String owner, Duration leaseDuration) {
        settled.clear();
        for (String partitionId : partitionIds()) {
            String key = partitionKey(planId, stepId, partitionId);
            Lease lease = store.acquireLease(key, owner, leaseDuration);
            try {
                Checkpoint current = store.load(key).orElseGet(() -> fresh(key, partitionId));
                store.save(current.withStep(current.step(partitionId).reset(StepState.PENDING, clock.instant()),
                        clock.instant()), lease);
            } finally {
                store.releaseLease(lease);
            }
        }
        writeList(List.of(), owner, leaseDuration);
    }

    @Override
    public String toString() {
        return "PartitionClaims[" + planId + ", " + stepId + "]";
    }

    /**
     * One worker's claim on one partition: a fenced lease under the partition's key. Every write is
     * refused with {@code LEASE_LOST} once another worker took the partition over. Closing releases
     * the claim (a no-op when it was lost).
     */
    public final class Claim implements AutoCloseable {

        private final String partitionId;
        private final String key;
        private final Duration leaseDuration;
        private final PartitionState claimedFrom;
        private Lease lease;
        private Checkpoint checkpoint;

        private Claim(String partitionId, String key, Lease lease, Duration leaseDuration, Checkpoint checkpoint,
                PartitionState claimedFrom) {
            this.partitionId = partitionId;
            this.key = key;
            this.lease = lease;
            this.leaseDuration = leaseDuration;
            this.checkpoint = checkpoint;
            this.claimedFrom = claimedFrom;
        }

        /**
         * The partition's state when this claim took it: {@link PartitionState#PENDING}, or
         * {@link PartitionState#RUNNING} when an earlier worker left it unfinished (its claim expired
         * or was released) and this claim takes it over.
         */
        public PartitionState claimedFrom() {
            return claimedFrom;
        }

        public String partitionId() {
            return partitionId;
        }

        /** The claim's current lease (owner, fencing token, expiry). */
        public synchronized Lease lease() {
            return lease;
        }

        /** The partition's record as this claim last wrote it. */
        public synchronized StepRecord record() {
            return checkpoint.step(partitionId);
        }

        /** The partition's cursor, or empty when it starts from the beginning. */
        public synchronized Optional<String> cursor() {
            return Optional.ofNullable(record().cursor());
        }

        /** Records one more attempt (a retry within this claim). */
        public synchronized void attemptAgain() {
            write(record().started(clock.instant()).attempted());
        }

        /** Durably records the partition's cursor; fenced by the claim. */
        public synchronized void saveCursor(String cursor) {
            write(record().withCursor(requireNonNull(cursor, "cursor")));
        }

        /** Records the partition {@link PartitionState#DONE}; fenced by the claim. */
        public synchronized void complete() {
            write(record().finished(StepState.SUCCEEDED, clock.instant(), null));
            settled.add(partitionId);
        }

        /** Records the partition {@link PartitionState#FAILED} with {@code error} (redacted by the caller); fenced. */
        public synchronized void fail(String error) {
            write(record().finished(StepState.FAILED, clock.instant(), error));
            settled.add(partitionId);
        }

        /** Extends the claim by its duration from now; {@code LEASE_LOST} once it was taken over. */
        public synchronized void renew() {
            lease = store.renewLease(lease, leaseDuration);
        }

        /** Renews when a third of the claim's duration has passed since the last renewal. */
        public synchronized void renewIfDue() {
            Duration left = Duration.between(clock.instant(), lease.expiresAt());
            if (left.compareTo(leaseDuration.multipliedBy(2).dividedBy(3)) < 0) {
                renew();
            }
        }

        /** Gives the claim up (the partition stays in the state last written). */
        @Override
        public synchronized void close() {
            store.releaseLease(lease);
        }

        private synchronized void write(StepRecord record) {
            Checkpoint next = checkpoint.withStep(record, clock.instant());
            renewIfDue();
            store.save(next, lease);
            checkpoint = next;
        }

        @Override
        public String toString() {
            return "Claim[" + key + ", " + lease.owner() + ", token " + lease.token() + "]";
        }
    }

    // --- sub-steps -------------------------------------------------------------------------------

    @FunctionalInterface
    private interface LeasedWrite {
        void write(Checkpoint current, Lease lease);
    }

    /** Runs {@code write} under the key's lease; skips it while another holds the lease. */
    private void withLease(String key, String partitionId, String owner, Duration leaseDuration, LeasedWrite write) {
        Lease lease;
        try {
            lease = store.acquireLease(key, owner, leaseDuration);
        } catch (UpgradeException e) {
            if (e.code() == UpgradeErrorCode.LOCK_HELD) {
                return;
            }
            throw e;
        }
        try {
            write.write(store.load(key).orElseGet(() -> fresh(key, partitionId)), lease);
        } finally {
            store.releaseLease(lease);
        }
    }

    private void writeList(List<String> ids, String owner, Duration leaseDuration) {
        String key = listKey(planId, stepId);
        Lease lease = store.acquireLease(key, owner, leaseDuration);
        try {
            long revision = store.load(key).map(Checkpoint::revision).orElse(0L) + 1;
            store.save(new Checkpoint(key, LIST_FORMAT, revision, clock.instant(),
                    ids.stream().map(PartitionClaims::listed).toList(), List.of()), lease);
        } finally {
            store.releaseLease(lease);
        }
    }

    /**
     * An entry of the partition list: marked, because a store may leave out a record that equals
     * {@link StepRecord#pending} (it reads back as pending), which would lose the entry.
     */
    private static StepRecord listed(String partitionId) {
        return new StepRecord(partitionId, StepState.PENDING, 0, "listed", null, null, null);
    }

    private Checkpoint fresh(String key, String partitionId) {
        return new Checkpoint(key, PARTITION_FORMAT, 0, clock.instant(), List.of(StepRecord.pending(partitionId)),
                List.of());
    }

    private List<String> validated(List<String> partitionIds) {
        requireNonNull(partitionIds, "partitionIds");
        Check.plan(!partitionIds.isEmpty(), "step '%s' of plan '%s' declared no partitions: its partition source"
                + " must return at least one id", stepId, planId);
        Set<String> seen = new HashSet<>();
        List<String> ids = new ArrayList<>();
        for (String id : partitionIds) {
            Check.plan(seen.add(Check.stepId(id)), "step '%s' declared partition '%s' twice: partition ids must be"
                    + " unique", stepId, id);
            partitionKey(planId, stepId, id);
            ids.add(id);
        }
        return List.copyOf(ids);
    }

    private static StepRecord recordOf(Optional<Checkpoint> checkpoint, String partitionId) {
        return checkpoint.map(c -> c.step(partitionId)).orElseGet(() -> StepRecord.pending(partitionId));
    }

    private static boolean isClaimable(StepState state) {
        return state == StepState.PENDING || state == StepState.RUNNING || state == StepState.COMPENSATED;
    }

    static PartitionState stateOf(StepState state) {
        return switch (state) {
            case PENDING, COMPENSATED -> PartitionState.PENDING;
            case RUNNING -> PartitionState.RUNNING;
            case SUCCEEDED -> PartitionState.DONE;
            case FAILED -> PartitionState.FAILED;
            case SKIPPED -> PartitionState.SKIPPED;
        };
    }

    private static StepState stepStateOf(PartitionState state) {
        return switch (state) {
            case PENDING -> StepState.PENDING;
            case RUNNING -> StepState.RUNNING;
            case DONE -> StepState.SUCCEEDED;
            case FAILED -> StepState.FAILED;
            case SKIPPED -> StepState.SKIPPED;
        };
    }

    /** The key prefix a plan id must not start with, or null: such a plan would share keys with partitions. */
    static String reservedPrefixOf(String planId) {
        return planId.startsWith(PARTITION_PREFIX) ? PARTITION_PREFIX
                : planId.startsWith(LIST_PREFIX) ? LIST_PREFIX : null;
    }

    /** Escapes one id so that the result holds no {@code :}; the mapping is injective and prefix-free. */
    private static String escaped(String id) {
        return id.replace("@", "@a").replace(":", "@c");
    }

    /**
     * {@code prefix + rest}, or a digest of {@code rest} when that is too long. The digest form
     * starts with {@code @h}, which no escaped part can start with, so it never equals a plain key.
     */
    private static String key(String prefix, String rest) {
        String key = prefix + rest;
        if (key.length() <= MAX_KEY_LENGTH) {
            return Check.planId(key);
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(rest.getBytes(StandardCharsets.UTF_8));
            return prefix + "@h:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
