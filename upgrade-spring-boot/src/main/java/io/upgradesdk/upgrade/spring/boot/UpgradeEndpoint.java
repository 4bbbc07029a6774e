package io.upgradesdk.upgrade.spring.boot;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.spring.boot.internal.StatusDocument;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The read-only actuator endpoint {@code upgrade} ({@code GET /actuator/upgrade} once exposed with
 * {@code management.endpoints.web.exposure.include=upgrade}): for every {@code UpgradePlan} bean
 * its steps with their states, the lease and the report of its last startup run. Shows no secret.
 */
@Endpoint(id = "upgrade", defaultAccess = Access.READ_ONLY)
public final class UpgradeEndpoint {

    private final UpgradeRunner runner;
    private final List<UpgradePlan> plans;
    private final Optional<UpgradeStartup> startup;

    /**
     * @param runner  the runner whose store is read
     * @param plans   the plans to show, in order
     * @param startup the startup run, when it is enabled
     */
    public UpgradeEndpoint(UpgradeRunner runner, List<UpgradePlan> plans, Optional<UpgradeStartup> startup) {
        this.runner = requireNonNull(runner, "runner");
        this.plans = List.copyOf(plans);
        this.startup = requireNonNull(startup, "startup");
    }

    /** Every plan's status and last report. */
    @ReadOperation
    public Map<String, Object> status() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("startupRun", startup.isPresent());
        document.put("plans", plans.stream().map(plan -> StatusDocument.plan(plan, runner.status(plan),
                startup.flatMap(s -> s.lastReport(plan.id())))).toList());
        return document;
    }
}
