package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.PartitionClaims;
import io.upgradesdk.upgrade.PartitionContext;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.time.Clock;
import java.util.Optional;

/** The context of one attempt at one partition: cursor reads and fenced saves go to the worker's claim. */
final class PartitionContextImpl implements PartitionContext {

    /** What the context calls back into: progress summing, the stop signal. */
    interface Host {
        void progress(String partitionId, long done, long total, String message);

        boolean stopRequested();

        RuntimeException stopped(String partitionId);
    }

    private final OperationScope scope;
    private final String stepId;
    private final PartitionClaims.Claim claim;
    private final int attempt;
    private final Host host;

    PartitionContextImpl(OperationScope scope, String stepId, PartitionClaims.Claim claim, int attempt, Host host) {
        this.scope = scope;
        this.stepId = stepId;
        this.claim = claim;
        this.attempt = attempt;
        this.host = host;
    }

    @Override
    public String partitionId() {
        return claim.partitionId();
    }

    @Override
    public String planId() {
        return scope.planId();
    }

    @Override
    public String stepId() {
        return stepId;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public boolean isDryRun() {
        return false;
    }

    @Override
    public Optional<String> cursor() {
        return claim.cursor();
    }

    @Override
    public void saveCursor(String cursor) {
        if (cursor == null) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_PLAN, "partition '" + partitionId() + "' of step '"
                    + stepId + "' saved a null cursor; save a value that says where to resume");
        }
        scope.redactor().requireClean(cursor, "the cursor of partition '" + partitionId() + "' of step '" + stepId
                + "'");
        claim.saveCursor(cursor);
        if (host.stopRequested()) {
            throw host.stopped(partitionId());
        }
    }

    @Override
    public void progress(long done, long total, String message) {
        host.progress(partitionId(), done, total, message);
    }

    @Override
    public Secret secret(String name) {
        Secret secret = scope.secrets().get(name);
        if (secret == null) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "partition '" + partitionId()
                    + "' of step '" + stepId + "' asked for secret '" + name + "', which was not given; known"
                    + " secrets: " + scope.secrets().keySet());
        }
        return secret;
    }

    @Override
    public Clock clock() {
        return scope.settings().clock();
    }

    @Override
    public boolean stopRequested() {
        return host.stopRequested();
    }
}
