package io.upgradesdk.upgrade.elasticsearch.internal;

import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import io.upgradesdk.upgrade.elasticsearch.MarkReadOnlySettings;
import java.util.List;
import java.util.Map;

/**
 * Adds a write block to each index ({@code PUT /<index>/_block/write}: Elasticsearch flushes the
 * index and, from 8.18 on, records it as verified read-only) and checks the block is there.
 * Idempotent: an index that already has the block is blocked again at no cost.
 */
public final class MarkReadOnlyStep implements UpgradeStep {

    private final MarkReadOnlySettings s;
    private final Preflight.Clients clients;

    public MarkReadOnlyStep(MarkReadOnlySettings s, Preflight.Clients clients) {
        this.s = s;
        this.clients = clients;
    }

    @Override
    public String id() {
        return "mark-read-only";
    }

    @Override
    public String description() {
        return "add a write block to " + s.indices() + " on " + s.cluster().displayName()
                + " so that the next major keeps them read-only";
    }

    @Override
    public List<PlannedAction> dryRun(StepContext ctx) {
        return s.indices().stream().map(i -> PlannedAction.of("add-write-block", i,
                Map.of("request", "PUT /" + i + "/_block/write"))).toList();
    }

    @Override
    public void execute(StepContext ctx) {
        try (EsClient c = clients.apply(s.cluster())) {
            int done = 0;
            for (String index : s.indices()) {
                String path = "/" + DocumentCopier.enc(index) + "/_block/write";
                EsClient.EsResponse r = c.exchange("PUT", path, null);
                if (r.status() == 404) {
                    throw new UpgradeException(ElasticsearchErrorCode.PREFLIGHT_FAILED, "index " + index
                            + " does not exist on " + c.name() + "; fix the index list and rerun");
                }
                if (r.status() / 100 != 2) {
                    throw c.failure("PUT", path, r.status(), r.body());
                }
                String blocked = c.get("/" + DocumentCopier.enc(index) + "/_settings?flat_settings=true")
                        .path(index).path("settings").path("index.blocks.write").asText("false");
                if (!blocked.equals("true")) {
                    throw new UpgradeException(ElasticsearchErrorCode.REQUEST_FAILED, "the write block on " + index
                            + " is not in its settings after PUT " + path + "; check the index and rerun");
                }
                ctx.progress(++done, s.indices().size(), "write block on " + index);
            }
        }
    }
}
