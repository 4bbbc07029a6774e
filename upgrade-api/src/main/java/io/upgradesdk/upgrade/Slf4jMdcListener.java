package io.upgradesdk.upgrade;

import org.slf4j.MDC;
import org.slf4j.spi.MDCAdapter;

/**
 * Puts the plan, step and partition being run into SLF4J's MDC on the thread that runs them, for
 * as long as each attempt (or partition) runs: every line that the step's own code, its clients
 * and the SDK log there carries them, so that a JSON log or a log search finds what one step did
 * ({@code upgrade.plan=es-reindex upgrade.step=copy-orders}). Add it to the runner next to the
 * logging listener: {@code UpgradeRunner.builder().listener(new Slf4jMdcListener())}.
 *
 * <p>Keys: {@value #PLAN}, {@value #STEP}, and {@value #PARTITION} on a partition's worker (absent
 * otherwise). What the thread had under those keys before is put back when the attempt ends, also
 * when it throws. It needs a logging backend with an MDC (Logback, Log4j 2); with
 * {@code slf4j-simple} or {@code slf4j-nop} the MDC holds nothing. Events themselves are not
 * logged by it: that is {@link Slf4jUpgradeListener}'s job.
 */
public final class Slf4jMdcListener implements StepScopeListener {

    /** The MDC key of the plan's id. */
    public static final String PLAN = "upgrade.plan";
    /** The MDC key of the step's id. */
    public static final String STEP = "upgrade.step";
    /** The MDC key of the partition's id, on a partition's worker thread only. */
    public static final String PARTITION = "upgrade.partition";

    private final MDCAdapter mdc;

    /** Puts the keys into the MDC of the SLF4J backend in use. */
    public Slf4jMdcListener() {
        this(MDC.getMDCAdapter());
    }

    /** Puts the keys into {@code mdc} (tests pass one of their own). */
    Slf4jMdcListener(MDCAdapter mdc) {
        this.mdc = mdc;
    }

    @Override
    public void onEvent(UpgradeEvent event) {
        // the MDC is about threads, not events
    }

    @Override
    public StepScope enterStep(String planId, String stepId, String partitionId) {
        String plan = mdc.get(PLAN);
        String step = mdc.get(STEP);
        String partition = mdc.get(PARTITION);
        mdc.put(PLAN, planId);
        mdc.put(STEP, stepId);
        put(PARTITION, partitionId);
        return () -> {
            put(PLAN, plan);
            put(STEP, step);
            put(PARTITION, partition);
        };
    }

    /** Puts {@code value} under {@code key}, or removes the key when it is null. */
    private void put(String key, String value) {
        if (value == null) {
            mdc.remove(key);
        } else {
            mdc.put(key, value);
        }
    }

    @Override
    public String toString() {
        return "Slf4jMdcListener";
    }
}
