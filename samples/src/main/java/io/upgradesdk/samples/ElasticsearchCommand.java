package io.upgradesdk.samples;

import io.upgradesdk.samples.internal.ExitCode;
import io.upgradesdk.samples.internal.PlanJoin;
import io.upgradesdk.samples.internal.PlanRunOptions;
import io.upgradesdk.samples.internal.Seconds;
import io.upgradesdk.samples.internal.SecretSource;
import io.upgradesdk.samples.internal.UrlCredentials;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.UpgradeStep;
import io.upgradesdk.upgrade.elasticsearch.CopyCursor;
import io.upgradesdk.upgrade.elasticsearch.DocumentCopy;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeSequence;
import io.upgradesdk.upgrade.elasticsearch.CommandNodeHost;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchUpgrade;
import io.upgradesdk.upgrade.elasticsearch.HealthStatus;
import io.upgradesdk.upgrade.elasticsearch.NodeHost;
import io.upgradesdk.upgrade.elasticsearch.PreflightSettings;
import io.upgradesdk.upgrade.elasticsearch.RollingSequenceSettings;
import io.upgradesdk.upgrade.elasticsearch.RollingUpgradeSettings;
import io.upgradesdk.upgrade.elasticsearch.SnapshotRestoreSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Elasticsearch 7.17 → 8.x and 8.19 → 9.x (the target major follows the versions found): pre-flight
 * checks, snapshot & restore into a new cluster, rolling upgrade node by node; and a document copy
 * between clusters. Each is resumable from its checkpoint store and stops at a safe point on
 * SIGTERM. Passwords and API keys are read from environment variables or files, never from the
 * command line.
 */
@Command(name = "elasticsearch", mixinStandardHelpOptions = true,
        description = "Upgrade Elasticsearch 7.17 to 8.x or 8.19 to 9.x (pre-flight, snapshot & restore, rolling), resumably.",
        subcommands = {ElasticsearchCommand.PreflightCommand.class, ElasticsearchCommand.SnapshotRestoreCommand.class,
                ElasticsearchCommand.RollingCommand.class, ElasticsearchCommand.CopyCommand.class})
public final class ElasticsearchCommand implements Runnable {

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    /** Options every subcommand shares. */
    static final class Common {
        @Mixin
        PlanRunOptions runOptions;

        @Option(names = "--user", paramLabel = "USER",
                description = "Basic-auth user (password from ES_PASSWORD or --password-file).")
        String user;

        @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the --user's password.")
        Path passwordFile;

        @Option(names = "--api-key-env", paramLabel = "VAR", description = "Environment variable holding an encoded API key.")
        String apiKeyEnv;

        @Option(names = "--ca-cert", paramLabel = "PEM", description = "CA certificate to trust for https.")
        Path caCert;

        @Option(names = "--allow-unchecked-deprecations",
                description = "Continue when the Deprecation Info API is missing (reported as not checked).")
        boolean allowUncheckedDeprecations;

        ElasticsearchEndpoint endpoint(String option, String urls) {
            UrlCredentials.refuse(option, urls, "give --user with ES_PASSWORD or --password-file, or --api-key-env");
            ElasticsearchEndpoint.Builder b = ElasticsearchEndpoint.builder();
            Arrays.stream(urls.split(",")).map(String::trim).filter(u -> !u.isEmpty()).forEach(b::url);
            if (user != null) {
                Secret pw = SecretSource.system().read("es.password", "ES_PASSWORD", passwordFile, "--password-file")
                        .orElseThrow(() -> new IllegalArgumentException("--user needs the password in the environment"
                                + " variable ES_PASSWORD or a --password-file"));
                b.basicAuth(user, pw);
            }
            if (apiKeyEnv != null) {
                String key = System.getenv(apiKeyEnv);
                if (key == null) {
                    throw new IllegalArgumentException("environment variable " + apiKeyEnv + " (API key) is not set");
                }
                b.apiKey(Secret.of("es.api-key", key));
            }
            if (caCert != null) {
                b.caCertificate(caCert);
            }
            return b.build();
        }

        /** Builds the plan with one {@link ElasticsearchUpgrade} (closed at the end, with its connections) and runs it. */
        int run(Function<ElasticsearchUpgrade, UpgradePlan> planFactory) {
            return withBuilt(planFactory, this::run);
        }

        /** Builds the sequence as {@link #run(Function)} builds a plan, and runs its pending plans in order. */
        int runSequence(Function<ElasticsearchUpgrade, UpgradeSequence> sequenceFactory) {
            return withBuilt(sequenceFactory, sequence -> runOptions.run(sequence, null,
                    "Not confirmed: nothing past the point of no return ran. Run again with --yes."));
        }

        /**
         * {@code --join}: builds the plan as {@link #run(Function)} does and works, as extra workers,
         * the free partitions of the run of it in progress on the same store (see {@link PlanJoin}).
         */
        int join(Function<ElasticsearchUpgrade, UpgradePlan> planFactory, int workers) {
            return withBuilt(planFactory, plan -> runOptions.join(plan, null, workers));
        }

        /**
         * Checks the options and builds what {@code factory} makes with one {@link ElasticsearchUpgrade}
         * (closed at the end), then hands it to {@code action}; invalid options are a usage error.
         */
        private <T> int withBuilt(Function<ElasticsearchUpgrade, T> factory, ToIntFunction<T> action) {
            try (ElasticsearchUpgrade es = ElasticsearchUpgrade.create()) {
                T built;
                try {
                    runOptions.check(null);
                    built = factory.apply(es);
                } catch (UpgradeException | IllegalArgumentException e) {
                    System.err.println("Invalid options: " + e.getMessage());
                    return ExitCode.USAGE.code();
                }
                return action.applyAsInt(built);
            }
        }

        int run(UpgradePlan plan) {
            return runOptions.run(plan, null,
                    "Not confirmed: nothing past the point of no return ran. Run again with --finish --yes.");
        }
    }

    /** {@code elasticsearch preflight --cluster URL}. */
    @Command(name = "preflight", mixinStandardHelpOptions = true, description = "Run the pre-flight checks only.")
    static final class PreflightCommand implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--cluster", required = true, paramLabel = "URL[,URL]", description = "The 7.17 (or 8.19) cluster.")
        String cluster;

        @Option(names = "--location", paramLabel = "PATH", description = "Snapshot location to check against path.repo.")
        String location;

        @Override
        public Integer call() {
            return common.run(es -> {
                ElasticsearchEndpoint e = common.endpoint("--cluster", cluster);
                PreflightSettings.Builder b = PreflightSettings.builder(e).targetMajor(detectedMajor(es, e, 1))
                        .allowUncheckedDeprecations(common.allowUncheckedDeprecations);
                if (location != null) {
                    b.repositoryLocation(location);
                }
                return es.preflightPlan(b.build());
            });
        }
    }

    /** {@code elasticsearch snapshot-restore --source URL --target URL --repository NAME --location PATH}. */
    @Command(name = "snapshot-restore", mixinStandardHelpOptions = true,
            description = "Snapshot the 7.17 (8.19) cluster and restore into a new 8.x (9.x) cluster; --finish deletes the source indices.")
    static final class SnapshotRestoreCommand implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--source", required = true, paramLabel = "URL[,URL]")
        String source;

        @Option(names = "--target", required = true, paramLabel = "URL[,URL]")
        String target;

        @Option(names = "--repository", required = true, paramLabel = "NAME")
        String repository;

        @Option(names = "--location", required = true, paramLabel = "PATH", description = "fs repository path shared by both.")
        String location;

        @Option(names = "--indices", defaultValue = "*", paramLabel = "PATTERN[,PATTERN]")
        String indices;

        @Option(names = "--global-state", description = "Restore templates and persistent settings too.")
        boolean globalState;

        @Override
        public Integer call() {
            return common.run(es -> {
                ElasticsearchEndpoint src = common.endpoint("--source", source);
                ElasticsearchEndpoint dst = common.endpoint("--target", target);
                SnapshotRestoreSettings.Builder b = SnapshotRestoreSettings.builder(src, dst)
                        .repository(repository, location)
                        .indices(List.of(indices.split(",")))
                        .includeGlobalState(globalState)
                        .deleteSourceIndicesOnFinish(common.runOptions.finish());
                b.build(); // invalid options are reported before any cluster is contacted
                int targetMajor = detectedMajor(es, dst, 0);
                return es.snapshotRestorePlan(b.targetMajor(targetMajor)
                        .preflight(PreflightSettings.builder(src).targetMajor(targetMajor).repositoryLocation(location)
                                .allowUncheckedDeprecations(common.allowUncheckedDeprecations).build())
                        .build());
            });
        }
    }

    /**
     * {@code elasticsearch rolling --cluster URL --node-command 'CMD {node}'}; with several
     * {@code --target-version}s ({@code 8.19.21,9.2.4}), one rolling upgrade per hop as a sequence.
     */
    @Command(name = "rolling", mixinStandardHelpOptions = true,
            description = {"Rolling upgrade: node by node, the node command stops, upgrades and starts {node}.",
                    "Several target versions (e.g. 8.19.21,9.2.4) roll through each in turn as one resumable",
                    "sequence; the node command then installs {version}."})
    static final class RollingCommand implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--cluster", required = true, paramLabel = "URL[,URL]", description = "Give several node URLs.")
        String cluster;

        @Option(names = "--node-command", required = true, paramLabel = "'CMD {node} [{version}]'")
        String nodeCommand;

        @Option(names = "--target-version", defaultValue = "8", paramLabel = "VERSION[,VERSION]",
                description = "Version (or prefix) to end on; several exact versions, ascending, for a sequence.")
        String targetVersion;

        @Option(names = "--read-only-before-9", paramLabel = "INDEX[,INDEX]",
                description = "Sequence only: 7.x indices to write-block on 8.19 before the first 9.x hop.")
        String readOnlyBefore9;

        @Option(names = "--health", defaultValue = "green", paramLabel = "green|yellow")
        String health;

        @Option(names = "--node-command-timeout", defaultValue = "1800", paramLabel = "SECONDS",
                description = "How long the node command may run for one node before it is stopped with its child"
                        + " processes and the step fails (default ${DEFAULT-VALUE} s)")
        long nodeCommandTimeoutSeconds;

        @Option(names = "--node-timeout", defaultValue = "900", paramLabel = "SECONDS",
                description = "Longest wait, for each node, for the gates before it, its rejoin with the new version,"
                        + " and the cluster's health after it (default ${DEFAULT-VALUE} s)")
        long nodeTimeoutSeconds;

        @Override
        public Integer call() {
            List<String> targets = Arrays.stream(targetVersion.split(",")).map(String::trim).toList();
            if (targets.size() == 1 && readOnlyBefore9 == null) {
                return common.run(es -> es.rollingUpgradePlan(
                        RollingUpgradeSettings.builder(common.endpoint("--cluster", cluster), targetVersion)
                                .requiredHealth(HealthStatus.parse(health)).nodeTimeout(nodeTimeout()).build(),
                        nodeHost(targetVersion)));
            }
            return common.runSequence(es -> {
                if (targets.size() > 1 && !nodeCommand.contains("{version}")) {
                    throw new IllegalArgumentException("--node-command needs a {version} placeholder when several"
                            + " --target-version are given: each hop installs its own, e.g."
                            + " 'upgrade.sh {node} {version}'");
                }
                RollingSequenceSettings.Builder b = RollingSequenceSettings.builder(
                        common.endpoint("--cluster", cluster), targets)
                        .requiredHealth(HealthStatus.parse(health)).nodeTimeout(nodeTimeout());
                if (readOnlyBefore9 != null) {
                    b.readOnlyBefore9(Arrays.stream(readOnlyBefore9.split(",")).map(String::trim).toList());
                }
                return es.rollingSequence(b.build(), this::nodeHost);
            });
        }

        /** The per-node wait; one second or more (a usage error otherwise, before anything runs). */
        private Duration nodeTimeout() {
            return Seconds.atLeastOne("--node-timeout", nodeTimeoutSeconds);
        }

        private NodeHost nodeHost(String version) {
            return new CommandNodeHost(nodeCommand.replace("{version}", version),
                    Seconds.atLeastOne("--node-command-timeout", nodeCommandTimeoutSeconds));
        }
    }

    /** {@code elasticsearch copy --source URL --source-index NAME --target URL --target-index NAME}. */
    @Command(name = "copy", mixinStandardHelpOptions = true,
            description = {"Copy the documents of an index (or pattern) into an index of another (or the same) cluster,",
                    "page by page, resumable from the last written page; SIGTERM stops after the page being written."})
    static final class CopyCommand implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--source", required = true, paramLabel = "URL[,URL]")
        String source;

        @Option(names = "--source-index", required = true, paramLabel = "INDEX|PATTERN")
        String sourceIndex;

        @Option(names = "--target", required = true, paramLabel = "URL[,URL]")
        String target;

        @Option(names = "--target-index", required = true, paramLabel = "INDEX")
        String targetIndex;

        @Option(names = "--page-size", paramLabel = "DOCUMENTS", description = "A fixed number of documents per page"
                + " (1-10000). Default: pages sized by bytes, about 8 MB of bulk body each.")
        Integer pageSize;

        @Option(names = "--slices", paramLabel = "N", description = "Copy one index in N slices (1-128, at most its"
                + " primary shards), each a partition with its own cursor that any worker claims. Default: 1 (one"
                + " resumable copy, patterns allowed).")
        int slices = 1;

        @Option(names = "--workers", paramLabel = "N", description = "With --slices: slices this process copies at"
                + " once (1-128). Default: as many as slices, at most twice the processors and 8.")
        int workers;

        @Option(names = "--join", description = "With --slices: join the copy another run of the same command is"
                + " running on the same shared store as extra workers (claims free slices only). Exits 1 when no"
                + " copy is running.")
        boolean join;

        /** Connections of a sliced copy, opened when its plan is built (no request) and closed at the end. */
        private final List<ElasticsearchConnection> opened = new ArrayList<>();

        @Override
        public Integer call() {
            try {
                if (join) {
                    return common.join(es -> plan(), workers);
                }
                return common.run(es -> plan());
            } finally {
                opened.forEach(ElasticsearchConnection::close);
            }
        }

        private UpgradePlan plan() {
            if (pageSize != null && (pageSize < 1 || pageSize > 10_000)) {
                throw new IllegalArgumentException("--page-size must be 1 to 10000, was " + pageSize);
            }
            if (slices < 1 || slices > 128 || workers < 0 || workers > 128) {
                throw new IllegalArgumentException("--slices must be 1 to 128 and --workers 1 to 128, were " + slices
                        + " and " + workers);
            }
            if (join && slices == 1) {
                throw new IllegalArgumentException("--join needs the --slices N of the run it joins: a copy in one"
                        + " slice has no partitions to share");
            }
            ElasticsearchEndpoint from = common.endpoint("--source", source);
            ElasticsearchEndpoint to = common.endpoint("--target", target);
            UpgradePlan.Builder plan = UpgradePlan.builder("elasticsearch-copy-to-" + targetIndex);
            String description = "copy the documents of " + sourceIndex + " into " + targetIndex;
            if (slices > 1) {
                return plan.step(slicedStep(from, to, description)).build();
            }
            return plan.step(UpgradeStep.builder(STEP_ID)
                            .description(description)
                            .dryRun(ctx -> plannedCopy(from, to, Map.of()))
                            .execute(ctx -> copy(from, to, ctx))
                            .build())
                    .build();
        }

        private static final String STEP_ID = "copy-documents";

        /** The copy as {@link #slices} partitions that this process's workers, and joining ones, claim. */
        private UpgradeStep slicedStep(ElasticsearchEndpoint from, ElasticsearchEndpoint to, String description) {
            ElasticsearchConnection src = ElasticsearchConnection.open(from);
            opened.add(src);
            ElasticsearchConnection dst = ElasticsearchConnection.open(to);
            opened.add(dst);
            DocumentCopy.Builder copy = DocumentCopy.from(src, sourceIndex).to(dst, targetIndex).slices(slices)
                    .refreshAtEnd(true);
            if (pageSize != null) {
                copy.pageSize(pageSize);
            }
            return copy.build().partitionedStep(STEP_ID)
                    .description(description + " in " + slices + " slices")
                    .dryRun(ctx -> plannedCopy(from, to, Map.of("slices", Integer.toString(slices))))
                    .workers(workers)
                    .build();
        }

        /**
         * The copy's dry run: asks the source how many documents it holds and the target its version
         * (writing nothing), so that a dry run against a cluster that is down or an index that does
         * not exist fails as the run would.
         */
        private List<PlannedAction> plannedCopy(ElasticsearchEndpoint from, ElasticsearchEndpoint to,
                Map<String, String> more) {
            try (ElasticsearchConnection src = ElasticsearchConnection.open(from);
                    ElasticsearchConnection dst = ElasticsearchConnection.open(to)) {
                Map<String, String> details = new LinkedHashMap<>(more);
                details.put("documents", src.get("/" + ElasticsearchConnection.encode(sourceIndex) + "/_count")
                        .path("count").asText());
                details.put("target version", dst.version());
                return List.of(PlannedAction.of("copy documents", sourceIndex + " -> " + targetIndex, details));
            }
        }

        private void copy(ElasticsearchEndpoint from, ElasticsearchEndpoint to, io.upgradesdk.upgrade.StepContext ctx) {
            try (ElasticsearchConnection src = ElasticsearchConnection.open(from);
                    ElasticsearchConnection dst = ElasticsearchConnection.open(to)) {
                DocumentCopy.Builder builder = DocumentCopy.from(src, sourceIndex).to(dst, targetIndex);
                if (pageSize != null) {
                    builder.pageSize(pageSize);
                }
                DocumentCopy.Result result = builder
                        .refreshAtEnd(true)
                        .onCursor(cursor -> ctx.saveCursor(cursor.value()))
                        .onPage(p -> ctx.progress(p.read(), p.total(), p.index()))
                        .build()
                        .run(ctx.cursor().map(CopyCursor::of).orElse(null));
                ctx.progress(result.read(), result.read(), "copied " + result.written() + " documents");
            }
        }
    }

    /**
     * The major of the cluster's oldest node plus {@code offset} (8 at least, the oldest path here);
     * 8 when the cluster cannot be reached now: the plan's own checks then report its error.
     */
    static int detectedMajor(ElasticsearchUpgrade es, ElasticsearchEndpoint cluster, int offset) {
        try {
            String version = es.oldestNodeVersion(cluster);
            return Math.max(8, Integer.parseInt(version.substring(0, version.indexOf('.'))) + offset);
        } catch (RuntimeException unreachable) {
            return 8;
        }
    }
}
