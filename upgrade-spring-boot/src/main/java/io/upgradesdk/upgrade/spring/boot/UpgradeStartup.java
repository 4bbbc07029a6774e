package io.upgradesdk.upgrade.spring.boot;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.UpgradeReport.StepOutcome;
import io.upgradesdk.upgrade.UpgradeRunner;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.InitializingBean;

/**
 * Runs the host's plans while the application context starts, as Flyway migrates: each plan's UP
 * phase in order, then its FINISH phase when {@code upgrade.finish=true}. The context does not start
 * when a plan fails (the exception carries the report's error code) or stops before its point of no
 * return (code {@code UPGRADE_CONFIRMATION_REQUIRED}; the message names the plan, the step and
 * {@code upgrade.confirm-point-of-no-return}). A restart resumes from the checkpoints.
 */
public final class UpgradeStartup implements InitializingBean {

    private final UpgradeRunner runner;
    private final List<UpgradePlan> plans;
    private final boolean finish;
    private final Map<String, UpgradeReport> lastReports = new ConcurrentHashMap<>();

    /**
     * @param runner the runner
     * @param plans  the plans to run, in order
     * @param finish whether FINISH follows UP
     */
    public UpgradeStartup(UpgradeRunner runner, List<UpgradePlan> plans, boolean finish) {
        this.runner = requireNonNull(runner, "runner");
        this.plans = List.copyOf(plans);
        this.finish = finish;
    }

    @Override
    public void afterPropertiesSet() {
        for (UpgradePlan plan : plans) {
            requireSuccess(plan, remember(runner.up(plan)));
            if (finish) {
                requireSuccess(plan, remember(runner.finish(plan)));
            }
        }
    }

    /** The plans run at startup, in order. */
    public List<UpgradePlan> plans() {
        return plans;
    }

    /** The report of the plan's last operation at startup, if it ran. */
    public Optional<UpgradeReport> lastReport(String planId) {
        return Optional.ofNullable(lastReports.get(planId));
    }

    private UpgradeReport remember(UpgradeReport report) {
        lastReports.put(report.planId(), report);
        return report;
    }

    private static void requireSuccess(UpgradePlan plan, UpgradeReport report) {
        if (report.outcome() == Outcome.AWAITING_CONFIRMATION) {
            String step = report.steps().stream().filter(s -> s.outcome() == StepOutcome.AWAITING_CONFIRMATION)
                    .map(UpgradeReport.StepReport::stepId).findFirst()
                    .orElseGet(() -> plan.pointOfNoReturn().map(s -> s.id()).orElse("?"));
            throw new UpgradeException(UpgradeErrorCode.CONFIRMATION_REQUIRED, "Upgrade plan '" + plan.id()
                    + "' stopped at startup before step '" + step + "', its point of no return (after it the"
                    + " upgrade cannot be rolled back). Set upgrade.confirm-point-of-no-return=true and restart"
                    + " once you are sure; the steps done so far are kept and not run again");
        }
        try {
            report.throwIfFailed();
        } catch (UpgradeException e) {
            throw new UpgradeException(e.code(), "Upgrade plan '" + plan.id() + "' failed at startup ("
                    + report.operation() + ", " + e.code().id() + "): " + e.getMessage() + ". Fix the cause and"
                    + " restart: the plan resumes from its checkpoint", e);
        }
    }
}
