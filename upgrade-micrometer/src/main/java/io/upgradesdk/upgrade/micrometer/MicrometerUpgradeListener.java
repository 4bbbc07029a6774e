package io.upgradesdk.upgrade.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeListener;
import io.upgradesdk.upgrade.micrometer.internal.LeaseWaits;
import io.upgradesdk.upgrade.micrometer.internal.MeterFactory;
import io.upgradesdk.upgrade.micrometer.internal.RunMeters;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Records the runner's events as Micrometer meters. Add it to the runner
 * ({@code UpgradeRunner.builder().listener(MicrometerUpgradeListener.of(registry))}); one listener
 * per registry. Meters, all named under the prefix ({@code upgrade} by default):
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 * <tr><td>{@code upgrade.step.duration}</td><td>function timer</td><td>plan, step, outcome</td>
 *     <td>first attempt to success ({@code succeeded}) or final failure ({@code failed})</td></tr>
 * <tr><td>{@code upgrade.step.attempts}</td><td>function counter</td><td>plan, step</td><td>attempts started</td></tr>
 * <tr><td>{@code upgrade.step.retries}</td><td>function counter</td><td>plan, step</td><td>transient failures retried</td></tr>
 * <tr><td>{@code upgrade.step.outcomes}</td><td>function counter</td><td>plan, step, outcome</td>
 *     <td>{@code succeeded}, {@code failed}, {@code skipped}, {@code compensated}</td></tr>
 * <tr><td>{@code upgrade.step.items}</td><td>function counter</td><td>plan, step</td><td>items reported done</td></tr>
 * <tr><td>{@code upgrade.step.items.done}, {@code .total}, {@code .rate}</td><td>gauges</td><td>plan, step</td>
 *     <td>the last progress report (NaN when unknown; rate 0 once the step ended); registered at the
 *     step's first report 1 s or more into an attempt, so a step that always ends sooner has none</td></tr>
 * <tr><td>{@code upgrade.step.partitions}</td><td>counter</td><td>plan, step, event</td>
 *     <td>partitions of a partitioned step {@code claimed}, {@code taken_over} (from an expired or
 *     released claim), {@code done}, {@code failed}</td></tr>
 * <tr><td>{@code upgrade.plan.runs}, {@code upgrade.plan.duration}</td><td>counter, timer</td>
 *     <td>plan, operation, outcome</td><td>runs ended ({@code SUCCEEDED}, {@code FAILED},
 *     {@code AWAITING_CONFIRMATION})</td></tr>
 * <tr><td>{@code upgrade.lease.waits}, {@code upgrade.lease.wait}</td><td>counter, timer</td><td>plan</td>
 *     <td>waits for a lease another owner holds; the timer times those that got it</td></tr>
 * </table>
 *
 * <p>Tags carry only plan ids, step ids, operations and outcomes, never cursors, messages or
 * errors, so their number stays that of the plans' steps; {@link Builder#perStep(boolean)
 * perStep(false)} drops the {@code step} tag for plans with very many steps. Durations come from
 * the events' times (the runner's clock). A meter is registered when first needed (no retry counter
 * for a step that never retried).
 *
 * <p>The step meters other than partition counters are function meters ({@code FunctionCounter},
 * {@code FunctionTimer}: query them with {@code registry.get(name).functionCounter()} /
 * {@code .functionTimer()}) reading counts the listener keeps in one small object per step, so an
 * event costs a few field updates; the step timers therefore have count and total time but no
 * maximum. Exporters publish them as counters and timers all the same. One listener per registry:
 * a second one on the same registry would find the first one's meters.
 */
public final class MicrometerUpgradeListener implements UpgradeListener {

    private final RunMeters runs;
    private final LeaseWaits leaseWaits;

    private MicrometerUpgradeListener(Builder builder) {
        MeterFactory meters = new MeterFactory(builder.registry, builder.prefix, builder.tags, builder.perStep);
        this.runs = new RunMeters(meters);
        this.leaseWaits = new LeaseWaits(meters);
    }

    /** A listener with the defaults: prefix {@code upgrade}, no common tags, meters per step. */
    public static MicrometerUpgradeListener of(MeterRegistry registry) {
        return builder(registry).build();
    }

    /** A builder for a listener recording into {@code registry}. */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    @Override
    public void onEvent(UpgradeEvent event) {
        if (event instanceof UpgradeEvent.StepProgress e) {
            if (!e.isNotice()) {    // a notice counts nothing: the count it interrupts goes on
                runs.step(e.planId(), e.stepId()).progress(e.time(), e.done(), e.total(), e.ratePerSecond());
            }
        } else if (event instanceof UpgradeEvent.StepStarted e) {
            runs.step(e.planId(), e.stepId()).attemptStarted(e.time(), e.attempt(), e.resumeCursor() != null);
        } else if (event instanceof UpgradeEvent.StepSucceeded e) {
            runs.step(e.planId(), e.stepId()).succeeded(e.duration());
        } else if (event instanceof UpgradeEvent.StepRetrying e) {
            runs.step(e.planId(), e.stepId()).retrying();
        } else if (event instanceof UpgradeEvent.StepFailed e) {
            runs.step(e.planId(), e.stepId()).failed(e.time());
        } else if (event instanceof UpgradeEvent.StepSkipped e) {
            runs.step(e.planId(), e.stepId()).skipped();
        } else if (event instanceof UpgradeEvent.StepCompensated e) {
            runs.step(e.planId(), e.stepId()).compensated();
        } else if (event instanceof UpgradeEvent.PlanStarted e) {
            leaseWaits.acquired(e.planId(), e.time());
        } else if (event instanceof UpgradeEvent.PlanFinished e) {
            runs.runFinished(e.planId(), e.operation().name(), e.outcome().name(), e.duration());
        } else if (event instanceof UpgradeEvent.LeaseWaiting e) {
            leaseWaits.waiting(e.planId(), e.time(), e.lockWait());
        } else if (event instanceof UpgradeEvent.PartitionClaimed e) {
            runs.step(e.planId(), e.stepId()).partition("claimed");
        } else if (event instanceof UpgradeEvent.PartitionTakenOver e) {
            runs.step(e.planId(), e.stepId()).partition("taken_over");
        } else if (event instanceof UpgradeEvent.PartitionDone e) {
            runs.step(e.planId(), e.stepId()).partition("done");
        } else if (event instanceof UpgradeEvent.PartitionFailed e) {
            runs.step(e.planId(), e.stepId()).partition("failed");
        }
        // ConfirmationRequested / ConfirmationAnswered: the run's outcome (AWAITING_CONFIRMATION) says enough
    }

    /** Options of the listener, checked at {@link #build()}. */
    public static final class Builder {

        private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
        private static final Set<String> OWN_TAGS = Set.of(MeterFactory.PLAN, MeterFactory.STEP,
                MeterFactory.OUTCOME, MeterFactory.OPERATION, MeterFactory.EVENT);

        private final MeterRegistry registry;
        private String prefix = "upgrade";
        private Tags tags = Tags.empty();
        private boolean perStep = true;

        private Builder(MeterRegistry registry) {
            this.registry = registry;
        }

        /** The start of every meter name (default {@code upgrade}): lower-case words separated by dots. */
        public Builder prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        /** A tag added to every meter, e.g. {@code tag("application", "orders")}. */
        public Builder tag(String key, String value) {
            this.tags = tags.and(Tag.of(key, value));
            return this;
        }

        /** Tags added to every meter; the keys {@code plan}, {@code step}, {@code outcome}, {@code operation} and {@code event} are the listener's own. */
        public Builder tags(Iterable<Tag> tags) {
            this.tags = this.tags.and(tags);
            return this;
        }

        /**
         * Whether step meters carry the {@code step} tag (default true). With false, the steps of a
         * plan share their meters (tagged with the plan only): for plans of thousands of steps,
         * where one time series per step would cost the metrics backend more than it tells.
         */
        public Builder perStep(boolean perStep) {
            this.perStep = perStep;
            return this;
        }

        /**
         * The listener.
         *
         * @throws UpgradeException {@code INVALID_CONFIGURATION} naming the option to correct
         */
        public MicrometerUpgradeListener build() {
            if (registry == null) {
                throw invalid("the MeterRegistry is null: pass the application's registry to"
                        + " MicrometerUpgradeListener.builder(registry)");
            }
            if (prefix == null || !PREFIX.matcher(prefix).matches()) {
                throw invalid("prefix '" + prefix + "' is not a meter name prefix: use lower-case words separated by"
                        + " dots, e.g. prefix(\"upgrade\") or prefix(\"orders.upgrade\")");
            }
            for (Tag tag : tags) {
                if (OWN_TAGS.contains(tag.getKey().toLowerCase(Locale.ROOT))) {
                    throw invalid("tag '" + tag.getKey() + "' is set by the listener itself (plan, step, outcome,"
                            + " operation, event): give the common tag another key, e.g. tag(\"application\", ...)");
                }
            }
            return new MicrometerUpgradeListener(this);
        }

        private static UpgradeException invalid(String message) {
            return new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "Micrometer listener: " + message);
        }
    }
}
