package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.upgradesdk.upgrade.spi.Check;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable, ordered list of steps with an id and a fingerprint. UP steps come before FINISH
 * steps; at most one step is the point of no return.
 *
 * <pre>{@code
 * UpgradePlan plan = UpgradePlan.builder("kuzzle-1-to-2")
 *     .step(checkConfig)
 *     .step(copyData)
 *     .step(destroyOldIndices)   // Phase.FINISH, point of no return
 *     .build();
 * }</pre>
 *
 * <p>The fingerprint is derived from each step's id, phase, version, point-of-no-return flag and
 * whether it is partitioned (not from descriptions or worker counts), so a checkpoint written by a
 * plan with other steps, or with a step turned from plain to partitioned or back, is detected.
 */
public final class UpgradePlan {

    private static final String FINGERPRINT_SCHEME = "v1";

    private final String id;
    private final List<UpgradeStep> steps;
    private final String fingerprint;
    private final List<Secret> secrets;

    private UpgradePlan(String id, List<UpgradeStep> steps, List<Secret> secrets) {
        this.id = id;
        this.steps = List.copyOf(steps);
        this.fingerprint = fingerprintOf(this.steps);
        this.secrets = List.copyOf(secrets);
    }

    /** Starts a plan with the given id (the key of its checkpoint and lease in a store). */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    public String id() {
        return id;
    }

    /** All steps in execution order. */
    public List<UpgradeStep> steps() {
        return steps;
    }

    /** The steps of one phase, in order. */
    public List<UpgradeStep> steps(Phase phase) {
        return steps.stream().filter(s -> s.phase() == phase).toList();
    }

    /** The step with this id; fails with {@link UpgradeErrorCode#UNKNOWN_STEP} if none. */
    public UpgradeStep step(String stepId) {
        return steps.stream().filter(s -> s.id().equals(stepId)).findFirst()
                .orElseThrow(() -> new UpgradeException(UpgradeErrorCode.UNKNOWN_STEP,
                        "plan '" + id + "' has no step '" + stepId + "'; its steps are " + stepIds()));
    }

    public List<String> stepIds() {
        return steps.stream().map(UpgradeStep::id).toList();
    }

    /** The point-of-no-return step, if the plan has one. */
    public Optional<UpgradeStep> pointOfNoReturn() {
        return steps.stream().filter(UpgradeStep::isPointOfNoReturn).findFirst();
    }

    /**
     * Secrets the plan's steps use (product modules attach their credentials here); the runner
     * redacts their values like its own. Not part of the fingerprint.
     */
    public List<Secret> secrets() {
        return secrets;
    }

    /** A stable digest of the plan's shape, e.g. {@code v1:3f2a...}. */
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "UpgradePlan[" + id + ", " + steps.size() + " steps, " + fingerprint + "]";
    }

    private static String fingerprintOf(List<UpgradeStep> steps) {
        Hasher hasher = Hashing.sha256().newHasher();
        for (UpgradeStep step : steps) {
            String line = step.id() + '|' + step.phase() + '|' + step.version() + '|' + step.isPointOfNoReturn()
                    + shapeOf(step) + '\n';
            hasher.putString(line, StandardCharsets.UTF_8);
        }
        return FINGERPRINT_SCHEME + ":" + hasher.hash().toString().substring(0, 24);
    }

    /**
     * What the checkpoint layout depends on beyond the step's id: a partitioned step keeps its state in
     * per-partition records, a plain one in its own record. Plain steps add nothing, so the
     * fingerprints of plans without partitioned steps are the same as before partitions existed.
     */
    private static String shapeOf(UpgradeStep step) {
        return step instanceof PartitionedStep ? "|partitioned" : "";
    }

    /** Validating builder for {@link UpgradePlan}; errors name the offending step. */
    public static final class Builder {

        private final String id;
        private final List<UpgradeStep> steps = new ArrayList<>();
        private final List<Secret> secrets = new ArrayList<>();

        private Builder(String id) {
            this.id = Check.planId(id);
        }

        public Builder step(UpgradeStep step) {
            steps.add(requireNonNull(step, "step"));
            return this;
        }

        /** A secret the steps read with {@link StepContext#secret(String)}; redacted from all output. */
        public Builder secret(Secret secret) {
            secrets.add(requireNonNull(secret, "secret"));
            return this;
        }

        public Builder steps(List<? extends UpgradeStep> more) {
            more.forEach(this::step);
            return this;
        }

        /**
         * Builds the plan. Fails with {@link UpgradeErrorCode#INVALID_PLAN} on an empty plan,
         * duplicate step ids, an UP step after a FINISH step, more than one point of no return,
         * or a FINISH step that declares a compensation.
         */
        public UpgradePlan build() {
            Check.plan(!steps.isEmpty(), "plan '%s' has no steps: add at least one with step(...)", id);
            String reserved = PartitionClaims.reservedPrefixOf(id);
            Check.plan(reserved == null, "plan id '%s' starts with '%s', which is kept for the store keys of"
                    + " partitioned steps: choose another id", id, reserved);
            Set<String> seen = new HashSet<>();
            String firstFinish = null;
            String pointOfNoReturn = null;
            for (UpgradeStep step : steps) {
                Check.stepId(step.id());
                requireNonNull(step.phase(), () -> "phase of step " + step.id());
                Check.plan(seen.add(step.id()), "plan '%s' has two steps with the id '%s': step ids must be unique",
                        id, step.id());
                if (step.phase() == Phase.FINISH && firstFinish == null) {
                    firstFinish = step.id();
                }
                Check.plan(step.phase() == Phase.FINISH || firstFinish == null,
                        "plan '%s': UP step '%s' comes after FINISH step '%s'; put every UP step before the"
                                + " first FINISH step", id, step.id(), firstFinish);
                if (step.isPointOfNoReturn()) {
                    Check.plan(pointOfNoReturn == null, "plan '%s' has two points of no return ('%s' and '%s'):"
                            + " mark only one step", id, pointOfNoReturn, step.id());
                    pointOfNoReturn = step.id();
                }
                Check.plan(step.phase() == Phase.UP || step.compensation().isEmpty(),
                        "plan '%s': FINISH step '%s' declares a compensation, but only UP steps can be"
                                + " compensated; remove it", id, step.id());
            }
            return new UpgradePlan(id, steps, secrets);
        }
    }
}
