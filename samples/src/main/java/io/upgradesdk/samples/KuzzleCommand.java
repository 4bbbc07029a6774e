package io.upgradesdk.samples;

import io.upgradesdk.samples.internal.PlanRunOptions;
import io.lettuce.core.RedisURI;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.kuzzle.CacheMode;
import io.upgradesdk.upgrade.kuzzle.DestroyPolicy;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgrade;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Kuzzle 1.x → 2.x: copies the v1 storage (Elasticsearch 5) into the v2 layout (7.x/8.x or in-place),
 * converts the {@code .kuzzlerc}, moves the token keys in Redis, verifies; resumable from the
 * checkpoint file.
 */
@Command(name = "kuzzle", mixinStandardHelpOptions = true,
        description = {"Upgrade Kuzzle 1.x data (Elasticsearch 5, Redis, .kuzzlerc) to Kuzzle 2.x, resumably.",
                "Run with --dry-run first: it lists source -> target names, document counts, config changes,",
                "token counts and what needs confirmation, and changes nothing."})
public final class KuzzleCommand implements Callable<Integer> {

    @Option(names = "--source-es", required = true, paramLabel = "URL", description = "Kuzzle 1 Elasticsearch (5.x).")
    String sourceEs;

    @Option(names = "--target-es", paramLabel = "URL", description = "Kuzzle 2 Elasticsearch (7.x/8.x); omit with --in-place.")
    String targetEs;

    @Option(names = "--in-place", description = "Write the v2 indices next to the v1 ones on the source cluster.")
    boolean inPlace;

    @Option(names = "--source-redis", paramLabel = "URI",
            description = "Kuzzle 1 internal cache, e.g. redis://host:6379/0 (rediss:// for TLS).")
    String sourceRedis;

    @Option(names = "--target-redis", paramLabel = "URI", description = "A separate target Redis (default: in-place).")
    String targetRedis;

    @Option(names = "--kuzzlerc", paramLabel = "PATH", description = "The v1 .kuzzlerc; the v2 file is written next to it.")
    Path kuzzlerc;

    @Option(names = "--target-version", required = true, paramLabel = "2.x.y", description = "Kuzzle 2 release to run.")
    String targetVersion;

    @Option(names = "--checkpoints", required = true, paramLabel = "FILE", description = "Checkpoint file (resume point).")
    Path checkpoints;

    @Option(names = "--cache", defaultValue = "copy", paramLabel = "copy|move",
            description = "Token keys: copy (keep v1 keys) or move. Default: ${DEFAULT-VALUE}")
    CacheMode cache;

    @Option(names = "--destroy", defaultValue = "nothing", paramLabel = "POLICY",
            description = "With --in-place and --finish: nothing, internal, internal_and_plugins, everything."
                    + " Default: ${DEFAULT-VALUE}")
    DestroyPolicy destroy;

    @Option(names = "--page-size", defaultValue = "1000", description = "Documents per page. Default: ${DEFAULT-VALUE}")
    int pageSize;

    @Option(names = "--write-concurrency", defaultValue = "2",
            description = "Bulk requests in flight while the next page is read. Default: ${DEFAULT-VALUE}")
    int writeConcurrency;

    @Option(names = "--report", paramLabel = "FILE", description = "Where the verify step writes its JSON report.")
    Path report;

    @Mixin
    PlanRunOptions runOptions;

    @Override
    public Integer call() {
        if (inPlace == (targetEs != null)) {
            System.err.println("Give either --target-es URL (new cluster) or --in-place (same cluster), not both.");
            return 2;
        }
        try (KuzzleUpgrade kuzzle = KuzzleUpgrade.create()) {
            return run(kuzzle);
        }
    }

    private int run(KuzzleUpgrade kuzzle) {
        UpgradePlan plan;
        try {
            KuzzleUpgradeSettings.Builder settings = KuzzleUpgradeSettings.builder()
                    .sourceElasticsearch(ElasticsearchEndpoint.of(sourceEs))
                    .targetVersion(targetVersion)
                    .cacheMode(cache)
                    .destroyPolicy(destroy)
                    .pageSize(pageSize)
                    .writeConcurrency(writeConcurrency)
                    .kuzzlerc(kuzzlerc)
                    .reportFile(report);
            if (targetEs != null) {
                settings.targetElasticsearch(ElasticsearchEndpoint.of(targetEs));
            }
            if (sourceRedis != null) {
                settings.sourceRedis(RedisURI.create(sourceRedis));
            }
            if (targetRedis != null) {
                settings.targetRedis(RedisURI.create(targetRedis));
            }
            plan = kuzzle.upgradePlan(settings.build());
        } catch (UpgradeException | IllegalArgumentException e) {
            System.err.println("Invalid options: " + e.getMessage());
            return 2;
        }
        return runOptions.run(plan, checkpoints,
                "Not confirmed: the v1 structure is intact. Run again with --finish --yes to destroy it.");
    }

}
