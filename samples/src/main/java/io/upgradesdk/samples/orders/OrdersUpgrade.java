package io.upgradesdk.samples.orders;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import java.util.List;
import java.util.Map;

/**
 * A host's own plan, the example to copy: moves orders from a v1 table to a v2 table in four
 * steps.
 * <ol>
 *   <li>{@code copy-orders}: a resumable copy in pages; the cursor is the last id copied; its
 *       compensation drops v2;</li>
 *   <li>{@code register-schema}: tells the schema registry v2 is live; network errors are
 *       transient and retried;</li>
 *   <li>{@code verify-counts}: v2 holds as many orders as v1;</li>
 *   <li>{@code drop-orders-v1}: FINISH phase, the point of no return.</li>
 * </ol>
 * Its tests ({@code OrdersUpgradeTest}) show the testkit: preset, assertions, states, crashes,
 * confirmation, rollback and a mocked store.
 */
public final class OrdersUpgrade {

    public static final String PLAN_ID = "orders-v2";

    private final OrdersDatabase database;
    private final SchemaRegistry registry;
    private final int pageSize;

    public OrdersUpgrade(OrdersDatabase database, SchemaRegistry registry, int pageSize) {
        this.database = requireNonNull(database, "database");
        this.registry = requireNonNull(registry, "registry");
        if (pageSize < 1) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "pageSize must be at least 1, was "
                    + pageSize);
        }
        this.pageSize = pageSize;
    }

    public UpgradePlan plan() {
        return UpgradePlan.builder(PLAN_ID)
                .step(UpgradeStep.builder("copy-orders").description("copy orders into the v2 table, page by page")
                        .execute(this::copy)
                        .dryRun(ctx -> List.of(PlannedAction.of("copy", "orders v1 -> v2",
                                Map.of("orders", String.valueOf(database.countV1()),
                                        "after id", ctx.cursor().orElse("0")))))
                        .compensation(ctx -> database.dropV2())
                        .build())
                .step(UpgradeStep.builder("register-schema").description("tell the schema registry v2 is live")
                        .execute(ctx -> registry.register("orders", 2))
                        .build())
                .step(UpgradeStep.builder("verify-counts").description("check v2 holds every v1 order")
                        .execute(ctx -> verify())
                        .build())
                .step(UpgradeStep.builder("drop-orders-v1").description("drop the v1 orders table")
                        .phase(Phase.FINISH).pointOfNoReturn()
                        .execute(ctx -> database.dropV1())
                        .build())
                .build();
    }

    /** Copies pages after the saved cursor; an upsert per page, then the page's last id saved. */
    private void copy(StepContext ctx) throws Exception {
        long after = ctx.cursor().map(Long::parseLong).orElse(0L);
        long total = database.countV1();
        long done = 0;
        List<Order> page;
        while (!(page = database.readV1After(after, pageSize)).isEmpty()) {
            database.upsertV2(page);
            after = page.get(page.size() - 1).id();
            ctx.saveCursor(Long.toString(after));
            done += page.size();
            ctx.progress(done, total, "copied up to order " + after);
        }
    }

    private void verify() throws Exception {
        long v1 = database.countV1();
        long v2 = database.countV2();
        if (v1 != v2) {
            throw new IllegalStateException("v2 holds " + v2 + " orders but v1 holds " + v1
                    + "; run up again (the copy resumes) or roll back");
        }
    }
}
