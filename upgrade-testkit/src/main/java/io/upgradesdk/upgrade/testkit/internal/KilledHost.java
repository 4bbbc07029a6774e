package io.upgradesdk.upgrade.testkit.internal;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Confirmation;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.OperatorNote;
import io.upgradesdk.upgrade.PartitionClaims;
import io.upgradesdk.upgrade.PartitionedStep;
import io.upgradesdk.upgrade.SequenceReport;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeSequence;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.testkit.KillablePlan;
import io.upgradesdk.upgrade.spi.ForwardingCheckpointStore;
import io.upgradesdk.upgrade.testkit.KillableSequence;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The child JVM of {@code KillHarness}: runs a {@link KillablePlan} once and tells the parent,
 * on stdout, each time a checkpoint write has landed, so the parent can kill it at a chosen point.
 *
 * <pre>
 * args:  &lt;KillablePlan class&gt; &lt;trial folder&gt; &lt;UP|RUN&gt; &lt;takeover: true|false&gt;
 * out:   @@ STARTED, then @@ SAVED &lt;n&gt; after each write, then @@ DONE &lt;outcome&gt; &lt;code&gt;
 * exit:  0 succeeded, 3 refused (UpgradeException), 4 failed
 * </pre>
 *
 * <p>With takeover, the run first force-releases the lease a killed run left (audited). A
 * {@link KillableSequence} runs its whole sequence.
 */
public final class KilledHost {

    private KilledHost() {
    }

    public static void main(String[] args) throws Exception {
        KillablePlan host = (KillablePlan) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        Path work = Path.of(args[1]);
        boolean runBothPhases = args[2].equals("RUN");
        boolean takeover = Boolean.parseBoolean(args[3]);
        int exit;
        try (CheckpointStore store = host.store(work)) {
            SignallingStore signalling = new SignallingStore(store);
            UpgradeRunner.Builder builder = UpgradeRunner.builder().store(signalling)
                    .owner("kill-trial/" + ProcessHandle.current().pid())
                    .confirmation(Confirmation.givenInAdvance())
                    .leaseDuration(Duration.ofSeconds(30));
            host.configure(builder, work);
            UpgradeRunner runner = builder.build();
            UpgradeSequence sequence = host instanceof KillableSequence s ? s.sequence(work) : null;
            UpgradePlan plan = sequence == null ? host.plan(work) : null;
            if (takeover) {
                takeOver(runner, store, sequence == null ? List.of(plan) : sequence.plans(), sequence);
            }
            signalling.start();
            reply("STARTED");
            try {
                exit = sequence != null ? runSequence(runner, sequence) : runPlan(runner, plan, runBothPhases);
            } catch (UpgradeException e) {
                reply("DONE EXCEPTION " + e.code().id());
                System.err.println(e);
                exit = 3;
            }
        }
        System.exit(exit);
    }

    private static int runPlan(UpgradeRunner runner, UpgradePlan plan, boolean runBothPhases) {
        UpgradeReport report = runBothPhases ? runner.run(plan) : runner.up(plan);
        reply("DONE " + report.outcome() + " " + (report.errorCode() == null ? "-" : report.errorCode()));
        return report.isSuccess() ? 0 : 4;
    }

    private static int runSequence(UpgradeRunner runner, UpgradeSequence sequence) {
        SequenceReport report = runner.run(sequence);
        String code = report.stoppedAt().flatMap(SequenceReport.PlanReport::report)
                .map(UpgradeReport::errorCode).orElse(null);
        reply("DONE " + report.outcome() + " " + (code == null ? "-" : code));
        return report.isSuccess() ? 0 : 4;
    }

    /** Releases the leases a killed run left: on the plans (audited), and on the sequence's record. */
    private static void takeOver(UpgradeRunner runner, CheckpointStore store, List<UpgradePlan> plans,
            UpgradeSequence sequence) {
        OperatorNote note = OperatorNote.by("kill-harness", "the previous run was killed (SIGKILL)");
        for (UpgradePlan plan : plans) {
            if (sequence == null || store.currentLease(plan.id()).isPresent()) {
                runner.forceReleaseLock(plan, note);
            }
        }
        if (sequence != null) {
            store.forceReleaseLease(sequence.recordId());
        }
        plans.forEach(plan -> releasePartitionClaims(store, plan));
    }

    /** The killed run's workers held claims on partitions: release them too, so the rerun need not wait for expiry. */
    private static void releasePartitionClaims(CheckpointStore store, UpgradePlan plan) {
        for (UpgradeStep step : plan.steps()) {
            if (step instanceof PartitionedStep) {
                new PartitionClaims(store, Clock.systemUTC(), plan.id(), step.id()).partitionIds().forEach(p ->
                        store.forceReleaseLease(PartitionClaims.partitionKey(plan.id(), step.id(), p)));
            }
        }
    }

    private static synchronized void reply(String line) {
        System.out.println("@@ " + line);
        System.out.flush();
    }

    /** Passes every call on; after each write that landed, tells the parent. */
    private static final class SignallingStore extends ForwardingCheckpointStore {
        private volatile boolean started;
        private int saves;

        SignallingStore(CheckpointStore target) {
            super(target);
        }

        void start() {
            started = true;
        }

        @Override
        public void save(Checkpoint checkpoint, Lease lease) {
            super.save(checkpoint, lease);
            if (started) {
                reply("SAVED " + (++saves));
            }
        }
    }
}
