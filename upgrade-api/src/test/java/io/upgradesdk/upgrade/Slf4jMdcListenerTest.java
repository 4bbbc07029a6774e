package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.helpers.BasicMDCAdapter;

/** The plan, step and partition in the MDC of the thread running them, and only while they run. */
@Timeout(30)
class Slf4jMdcListenerTest {

    private final BasicMDCAdapter mdc = new BasicMDCAdapter();
    private final Slf4jMdcListener listener = new Slf4jMdcListener(mdc);

    private UpgradeRunner runner() {
        return UpgradeRunner.builder().store(new InMemoryCheckpointStore()).heartbeat(false).sleeper(d -> { })
                .retryPolicy(RetryPolicy.custom().maxAttempts(2).initialBackoff(Duration.ofMillis(1)).build())
                .listener(listener).build();
    }

    private String keys() {
        return mdc.get(Slf4jMdcListener.PLAN) + "/" + mdc.get(Slf4jMdcListener.STEP) + "/"
                + mdc.get(Slf4jMdcListener.PARTITION);
    }

    @Test
    void eachAttemptOfAStepSeesThePlanAndStepAndTheThreadsOwnValuesComeBackAfter() {
        mdc.put("request", "r-42");
        mdc.put(Slf4jMdcListener.STEP, "the host's own");
        List<String> seen = new CopyOnWriteArrayList<>();
        int[] attempts = {0};
        UpgradePlan plan = UpgradePlan.builder("orders")
                .step(UpgradeStep.builder("create-index").execute(ctx -> seen.add(keys())).build())
                .step(UpgradeStep.builder("copy").execute(ctx -> {
                    seen.add(keys() + " " + mdc.get("request"));
                    if (++attempts[0] == 1) {
                        throw new IOException("connection reset");
                    }
                }).build())
                .build();

        UpgradeReport report = runner().up(plan);

        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(seen).containsExactly("orders/create-index/null", "orders/copy/null r-42", "orders/copy/null r-42");
        assertThat(keys()).as("the caller's thread as it was").isEqualTo("null/the host's own/null");
        assertThat(mdc.get("request")).isEqualTo("r-42");
    }

    @Test
    void aStepThatThrowsAnErrorLeavesNothingBehindOnTheCallersThread() {
        UpgradePlan plan = UpgradePlan.builder("p").step(UpgradeStep.builder("check").execute(ctx -> {
            throw new AssertionError("expected 3 documents");
        }).build()).build();

        try {
            runner().up(plan);
        } catch (AssertionError expected) {
            // the test kit's crash model: an Error goes through the runner
        }

        assertThat(keys()).isEqualTo("null/null/null");
    }

    @Test
    void eachPartitionSeesItsIdOnItsWorkersThread() {
        Map<String, String> seen = new HashMap<>();
        UpgradePlan plan = UpgradePlan.builder("p").step(UpgradeStep.partitioned("copy")
                .partitions(ctx -> List.of("slice-0", "slice-1", "slice-2")).workers(2)
                .execute(ctx -> {
                    synchronized (seen) {
                        seen.put(ctx.partitionId(), keys());
                    }
                }).build()).build();

        UpgradeReport report = runner().up(plan);

        assertThat(report.outcome()).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
        assertThat(seen).containsOnly(Map.entry("slice-0", "p/copy/slice-0"), Map.entry("slice-1", "p/copy/slice-1"),
                Map.entry("slice-2", "p/copy/slice-2"));
        assertThat(keys()).isEqualTo("null/null/null");
    }

    @Test
    void theNoArgumentListenerUsesTheBackendsMdcAndRunsWithANoOpOne() {
        UpgradePlan plan = UpgradePlan.builder("p").step(UpgradeStep.builder("s").execute(ctx -> { }).build()).build();

        UpgradeReport report = UpgradeRunner.builder().store(new InMemoryCheckpointStore()).heartbeat(false)
                .listener(new Slf4jMdcListener()).build().up(plan);

        assertThat(report.outcome()).as("slf4j-simple's MDC keeps nothing, and the run goes on")
                .isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
    }
}
