package io.upgradesdk.upgrade.elasticsearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import io.upgradesdk.upgrade.elasticsearch.HealthStatus;
import java.util.ArrayList;
import java.util.List;

/** Post-upgrade checks: every node on the target major, health, every index readable and counted. */
public final class PostChecks {

    private PostChecks() {
    }

    public static UpgradeStep step(String id, ElasticsearchEndpoint e, int major, HealthStatus minimum,
            Preflight.Clients clients) {
        return Preflight.check(id, "after the upgrade every node of " + e.displayName() + " runs " + major
                + ".x, health is at least " + minimum.apiValue() + " and every index answers a count", clients, e,
                (c, ctx) -> {
                    List<String> problems = new ArrayList<>();
                    Preflight.nodeVersions(c).forEach((n, v) -> {
                        if (v.major() != major) {
                            problems.add("node " + n + " runs " + v);
                        }
                    });
                    HealthStatus h = Preflight.health(c);
                    if (!h.isAtLeast(minimum)) {
                        problems.add("health is " + h.apiValue());
                    }
                    int indices = 0;
                    for (JsonNode i : c.get("/_cat/indices?format=json&h=index,health")) {
                        String name = i.path("index").asText();
                        if (name.startsWith(".")) {
                            continue;
                        }
                        indices++;
                        if ("red".equals(i.path("health").asText())) {
                            problems.add("index " + name + " is red");
                        }
                    }
                    // One count over every non-system index: each shard must answer (no per-index round trips).
                    JsonNode count = c.get("/*,-.*/_count?expand_wildcards=open&allow_no_indices=true");
                    long docs = count.path("count").asLong();
                    JsonNode shards = count.path("_shards");
                    if (shards.path("failed").asInt() > 0) {
                        List<String> failures = new ArrayList<>();
                        shards.path("failures").forEach(f -> failures.add(f.path("index").asText() + ": "
                                + f.path("reason").path("type").asText()));
                        problems.add(shards.path("failed").asInt() + " of " + shards.path("total").asInt()
                                + " shards did not answer the count " + failures);
                    }
                    if (!problems.isEmpty()) {
                        throw new UpgradeException(ElasticsearchErrorCode.VERIFICATION_FAILED, "post-upgrade checks "
                                + "failed on " + c.name() + ": " + problems + "; fix them (GET /_cluster/health, "
                                + "/_cat/nodes) before sending traffic to the cluster");
                    }
                    ctx.progress(indices, indices, "post-upgrade: " + indices + " indices, " + docs + " documents");
                });
    }
}
