package io.upgradesdk.samples;

import io.upgradesdk.samples.internal.ExitCode;
import io.upgradesdk.samples.internal.RedisUris;
import io.upgradesdk.samples.internal.PlanRunOptions;
import io.upgradesdk.samples.internal.SecretSource;
import io.upgradesdk.samples.internal.UrlCredentials;
import io.upgradesdk.upgrade.Secret;
import java.util.Optional;
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

    static final String REDIS_PASSWORD_ENV = "KUZZLE_REDIS_PASSWORD";
    static final String SOURCE_ES_PASSWORD_ENV = "KUZZLE_SOURCE_ES_PASSWORD";
    static final String TARGET_ES_PASSWORD_ENV = "KUZZLE_TARGET_ES_PASSWORD";

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

    @Option(names = "--redis-user", paramLabel = "USER", description = "Redis ACL user (both Redis servers).")
    String redisUser;

    @Option(names = "--redis-password-file", paramLabel = "FILE",
            description = "File holding the Redis password (else the environment variable " + REDIS_PASSWORD_ENV + ").")
    Path redisPasswordFile;

    @Option(names = "--source-es-user", paramLabel = "USER", description = "Basic-auth user of the source cluster"
            + " (password from " + SOURCE_ES_PASSWORD_ENV + " or --source-es-password-file).")
    String sourceEsUser;

    @Option(names = "--source-es-password-file", paramLabel = "FILE", description = "File holding the source cluster's password.")
    Path sourceEsPasswordFile;

    @Option(names = "--target-es-user", paramLabel = "USER", description = "Basic-auth user of the target cluster"
            + " (password from " + TARGET_ES_PASSWORD_ENV + " or --target-es-password-file).")
    String targetEsUser;

    @Option(names = "--target-es-password-file", paramLabel = "FILE", description = "File holding the target cluster's password.")
    Path targetEsPasswordFile;

    @Option(names = "--kuzzlerc", paramLabel = "PATH", description = "The v1 .kuzzlerc; the v2 file is written next to it.")
    Path kuzzlerc;

    @Option(names = "--target-version", required = true, paramLabel = "2.x.y", description = "Kuzzle 2 release to run.")
    String targetVersion;

    @Option(names = "--cache", defaultValue = "copy", paramLabel = "copy|move",
            description = "Token keys: copy (keep v1 keys) or move. Default: ${DEFAULT-VALUE}")
    CacheMode cache;

    @Option(names = "--destroy", defaultValue = "nothing", paramLabel = "POLICY",
            description = "With --in-place and --finish: nothing, internal, internal_and_plugins, everything."
                    + " Default: ${DEFAULT-VALUE}")
    DestroyPolicy destroy;

    @Option(names = "--page-size", paramLabel = "DOCUMENTS", description = "A fixed number of documents per page"
            + " (1-10000). Default: pages sized by bytes, about 8 MB of bulk body each.")
    int pageSize = KuzzleUpgradeSettings.AUTOMATIC;

    @Option(names = "--write-concurrency", paramLabel = "REQUESTS", description = "A fixed number of bulk requests in"
            + " flight while the next page is read (1-16). Default: as many as the target's data nodes have processors"
            + " (2-8), fewer while it answers busy.")
    int writeConcurrency = KuzzleUpgradeSettings.AUTOMATIC;

    @Option(names = "--slices", paramLabel = "N", description = "Slices per plugin and public collection (1-64), each a"
            + " partition with its own cursor, never more than the source index's shards. Default: one per shard up to"
            + " the processors, one for a collection under 20,000 documents.")
    int slices = KuzzleUpgradeSettings.AUTOMATIC;

    @Option(names = "--workers", paramLabel = "N", description = "Partitions this process copies at once (1-64)."
            + " Default: as many as partitions, at most twice the processors and 8.")
    int workers = KuzzleUpgradeSettings.AUTOMATIC;

    @Option(names = "--join", description = "Join a copy that another run of the same command is running on the same"
            + " shared store (--store redis|jdbc|elasticsearch, or one checkpoint file) as extra workers: claim free"
            + " partitions only, never run a step. Exits 1 when no copy is running.")
    boolean join;

    @Option(names = "--report", paramLabel = "FILE", description = "Where the verify step writes its JSON report.")
    Path report;

    @Mixin
    PlanRunOptions runOptions;

    @Override
    public Integer call() {
        if (inPlace == (targetEs != null)) {
            System.err.println("Invalid options: give --target-es URL (a new cluster) or --in-place (the same cluster)"
                    + (inPlace ? ", not both" : ": the target is missing"));
            return ExitCode.USAGE.code();
        }
        try (KuzzleUpgrade kuzzle = KuzzleUpgrade.create()) {
            return run(kuzzle);
        }
    }

    private int run(KuzzleUpgrade kuzzle) {
        UpgradePlan plan;
        try {
            runOptions.check(null);
            UrlCredentials.refuse("--source-es", sourceEs, "give --source-es-user with " + SOURCE_ES_PASSWORD_ENV
                    + " or --source-es-password-file");
            UrlCredentials.refuse("--target-es", targetEs, "give --target-es-user with " + TARGET_ES_PASSWORD_ENV
                    + " or --target-es-password-file");
            SecretSource secrets = SecretSource.system();
            KuzzleUpgradeSettings.Builder settings = KuzzleUpgradeSettings.builder()
                    .sourceElasticsearch(endpoint(sourceEs, sourceEsUser, secrets.read("kuzzle.source-es.password",
                            SOURCE_ES_PASSWORD_ENV, sourceEsPasswordFile, "--source-es-password-file")))
                    .targetVersion(targetVersion)
                    .cacheMode(cache)
                    .destroyPolicy(destroy)
                    .pageSize(pageSize)
                    .writeConcurrency(writeConcurrency)
                    .slices(slices)
                    .workers(workers)
                    .kuzzlerc(kuzzlerc)
                    .reportFile(report);
            if (targetEs != null) {
                settings.targetElasticsearch(endpoint(targetEs, targetEsUser, secrets.read("kuzzle.target-es.password",
                        TARGET_ES_PASSWORD_ENV, targetEsPasswordFile, "--target-es-password-file")));
            }
            Optional<Secret> redisPassword = secrets.read("kuzzle.redis.password", REDIS_PASSWORD_ENV,
                    redisPasswordFile, "--redis-password-file");
            if (sourceRedis != null) {
                settings.sourceRedis(redis(sourceRedis, "--source-redis", redisPassword));
            }
            if (targetRedis != null) {
                settings.targetRedis(redis(targetRedis, "--target-redis", redisPassword));
            }
            plan = kuzzle.upgradePlan(settings.build());
        } catch (UpgradeException | IllegalArgumentException e) {
            System.err.println("Invalid options: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        if (join) {
            return runOptions.join(plan, null, workers);
        }
        return runOptions.run(plan, null,
                "Not confirmed: the v1 structure is intact. Run again with --finish --yes to destroy it.");
    }

    /** An Elasticsearch endpoint with basic auth when a user is given (its password from the environment or a file). */
    private static ElasticsearchEndpoint endpoint(String url, String user, Optional<Secret> password) {
        ElasticsearchEndpoint.Builder b = ElasticsearchEndpoint.builder().url(url);
        if (user != null) {
            b.basicAuth(user, password.orElseThrow(() -> new IllegalArgumentException("the Elasticsearch user '" + user
                    + "' needs its password in the environment or a password file (see --help)")));
        }
        return b.build();
    }

    private RedisURI redis(String text, String option, Optional<Secret> password) {
        return RedisUris.parse(text, option, redisUser, password, "set " + REDIS_PASSWORD_ENV + " or --redis-password-file");
    }
}
