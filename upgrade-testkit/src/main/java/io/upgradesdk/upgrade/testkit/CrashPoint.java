package io.upgradesdk.upgrade.testkit;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.PartitionClaims;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.util.Objects;

/**
 * Where an in-process run dies, seen from the checkpoint store: a crash point matches one
 * checkpoint write of the run and crashes either before it lands or right after. Used with
 * {@link UpgradeTestRunner#crashAt(CrashPoint)}:
 *
 * <pre>{@code
 * t.crashAt(CrashPoint.afterCursorSave("copy-orders", 3)).up(plan);   // dies with cursor 3 saved
 * t.letLeaseExpire(plan);                                               // as after a real kill
 * assertThat(t.up(plan)).succeeded();
 * }</pre>
 *
 * <p>A "cursor save" of a step is a write in which only that step's record changed, and only its
 * cursor; it counts in steps and in compensations alike.
 */
public final class CrashPoint {

    /** What kind of write a crash point waits for. */
    private enum Kind {
        CURSOR_SAVE, STEP_START, STEP_SUCCESS, COMPENSATED, ANY_SAVE
    }

    private final Kind kind;
    private final String stepId;
    private final int nth;
    private final boolean beforeWriteLands;
    private final String description;
    /** The plan whose writes count, or null for any plan's. */
    private final String planId;

    private CrashPoint(Kind kind, String stepId, int nth, boolean beforeWriteLands, String description) {
        this(kind, stepId, nth, beforeWriteLands, description, null);
    }

    private CrashPoint(Kind kind, String stepId, int nth, boolean beforeWriteLands, String description,
            String planId) {
        if (nth < 1) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION,
                    "a crash point counts from 1, was " + nth);
        }
        this.kind = kind;
        this.stepId = stepId;
        this.nth = nth;
        this.beforeWriteLands = beforeWriteLands;
        this.description = description;
        this.planId = planId;
    }

    /**
     * The same point, counting only the writes of one plan's checkpoint: in a sequence, where
     * several plans may have a step of the same name,
     * {@code CrashPoint.afterCursorSave("copy", 2).inPlan("8.19-to-9.2")} dies in the second plan.
     */
    public CrashPoint inPlan(String planId) {
        requireNonNull(planId, "planId");
        return new CrashPoint(kind, stepId, nth, beforeWriteLands, description + " in plan '" + planId + "'", planId);
    }

    /** Dies right after the step's {@code n}th cursor save of the run has landed. */
    public static CrashPoint afterCursorSave(String stepId, int n) {
        return new CrashPoint(Kind.CURSOR_SAVE, requireNonNull(stepId, "stepId"), n, false,
                "after cursor save #" + n + " of step '" + stepId + "'");
    }

    /**
     * Dies instead of the step's {@code n}th cursor save: the work before it is done, its cursor
     * is not saved; the window a non-idempotent step repeats work in.
     */
    public static CrashPoint beforeCursorSave(String stepId, int n) {
        return new CrashPoint(Kind.CURSOR_SAVE, requireNonNull(stepId, "stepId"), n, true,
                "before cursor save #" + n + " of step '" + stepId + "' lands");
    }

    /** Dies once the step is recorded as started and before any of its work ran. */
    public static CrashPoint beforeStep(String stepId) {
        return new CrashPoint(Kind.STEP_START, requireNonNull(stepId, "stepId"), 1, false,
                "before step '" + stepId + "' runs");
    }

    /** Dies after the step did all its work, before its success is saved: the next run repeats it. */
    public static CrashPoint beforeSuccessSaved(String stepId) {
        return new CrashPoint(Kind.STEP_SUCCESS, requireNonNull(stepId, "stepId"), 1, true,
                "after step '" + stepId + "' did its work, before its success was saved");
    }

    /**
     * Dies inside the step's compensation during rollback: the compensation ran, the record
     * saying so was not saved, so the next rollback runs it again.
     */
    public static CrashPoint inCompensation(String stepId) {
        return new CrashPoint(Kind.COMPENSATED, requireNonNull(stepId, "stepId"), 1, true,
                "in the compensation of step '" + stepId + "', before it was recorded");
    }

    /** Dies right after the run's {@code n}th checkpoint write (of any kind) has landed. */
    public static CrashPoint afterSave(int n) {
        return new CrashPoint(Kind.ANY_SAVE, null, n, false, "after checkpoint write #" + n);
    }

    /**
     * Dies right after the {@code n}th cursor save of one partition of a partitioned step, as a
     * worker killed mid-partition: its claim stays held until it expires
     * ({@link UpgradeTestRunner#letLeaseExpire} moves the clock past it), and the worker that takes
     * the partition over resumes at that cursor.
     */
    public static CrashPoint afterPartitionCursorSave(String planId, String stepId, String partitionId, int n) {
        return new CrashPoint(Kind.CURSOR_SAVE, partitionId, n, false, "after cursor save #" + n + " of partition '"
                + partitionId + "' of step '" + stepId + "'", PartitionClaims.partitionKey(planId, stepId, partitionId));
    }

    /** Dies instead of the run's {@code n}th checkpoint write (of any kind). */
    public static CrashPoint beforeSave(int n) {
        return new CrashPoint(Kind.ANY_SAVE, null, n, true, "before checkpoint write #" + n + " lands");
    }

    /** True when the crash happens before the matched write reaches the store. */
    boolean beforeWriteLands() {
        return beforeWriteLands;
    }

    int nth() {
        return nth;
    }

    /** Whether a write from {@code previous} (null: none stored) to {@code next} is one this point counts. */
    boolean counts(Checkpoint previous, Checkpoint next) {
        if (planId != null && !planId.equals(next.planId())) {
            return false;
        }
        return switch (kind) {
            case ANY_SAVE -> true;
            case CURSOR_SAVE -> isCursorSave(previous, next, stepId);
            case STEP_START -> {
                StepRecord before = recordOf(previous, stepId);
                StepRecord after = next.step(stepId);
                yield after.state() == StepState.RUNNING && after.attempts() > before.attempts();
            }
            case STEP_SUCCESS -> becomes(previous, next, StepState.SUCCEEDED);
            case COMPENSATED -> becomes(previous, next, StepState.COMPENSATED);
        };
    }

    private boolean becomes(Checkpoint previous, Checkpoint next, StepState state) {
        return next.step(stepId).state() == state && recordOf(previous, stepId).state() != state;
    }

    /** Only {@code stepId}'s record changed, and only in its cursor. */
    static boolean isCursorSave(Checkpoint previous, Checkpoint next, String stepId) {
        for (StepRecord after : next.steps()) {
            StepRecord before = recordOf(previous, after.stepId());
            if (!after.stepId().equals(stepId) && !after.equals(before)) {
                return false;
            }
        }
        StepRecord before = recordOf(previous, stepId);
        StepRecord after = next.step(stepId);
        return after.cursor() != null && before.state() == after.state() && before.attempts() == after.attempts()
                && Objects.equals(before.startedAt(), after.startedAt())
                && Objects.equals(before.finishedAt(), after.finishedAt())
                && Objects.equals(before.error(), after.error())
                && (!after.equals(before) || previous != null && previous.audit().equals(next.audit()));
    }

    private static StepRecord recordOf(Checkpoint checkpoint, String stepId) {
        return checkpoint == null ? StepRecord.pending(stepId) : checkpoint.step(stepId);
    }

    @Override
    public String toString() {
        return description;
    }
}
