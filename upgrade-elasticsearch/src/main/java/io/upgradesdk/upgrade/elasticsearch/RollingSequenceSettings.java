package io.upgradesdk.upgrade.elasticsearch;

import static io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks.require;
import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.elasticsearch.internal.EsVersion;
import io.upgradesdk.upgrade.elasticsearch.internal.SettingsChecks;
import io.upgradesdk.upgrade.elasticsearch.internal.UpgradeRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Settings of a rolling upgrade through several releases, one rolling upgrade per hop (e.g.
 * 7.17.29 → 8.19.21 → 9.2.4): the cluster, the exact release of each hop in ascending order, and
 * the gates every hop shares. The hops are checked against the module's upgrade rules when built:
 * a hop that skips a major or lands on a release unable to read the previous one is refused with
 * {@code ES_INVALID_CONFIGURATION} naming the hop to add. Build with
 * {@link #builder(ElasticsearchEndpoint, List)}.
 *
 * @param sequenceId the sequence's id, prefix of every plan id ({@code <sequenceId>/<version>})
 * @param cluster the cluster upgraded (give several node URLs)
 * @param targetVersions the exact release of each hop, ascending
 * @param fromVersion the release the cluster runs before the first hop, if known: checks the first hop too
 * @param requiredHealth health each hop's gate requires before each node
 * @param nodeOrder node names in upgrade order, if given (default: by name, the elected master last)
 * @param nodeTimeout longest wait for a gate, a node to rejoin, or health after a node
 * @param readOnlyBefore9 indices created on 7.x to write-block (kept read-only by 9.x) before the
 *        first hop to 9.x, as the plan {@code <sequenceId>/mark-read-only-before-<version>}; empty for none
 */
public record RollingSequenceSettings(String sequenceId, ElasticsearchEndpoint cluster, List<String> targetVersions,
        Optional<String> fromVersion, HealthStatus requiredHealth, Optional<List<String>> nodeOrder,
        Duration nodeTimeout, List<String> readOnlyBefore9) {

    /** The default sequence id: plans are {@code es-rolling/8.19.21}, {@code es-rolling/9.2.4}... */
    public static final String DEFAULT_SEQUENCE_ID = "es-rolling";

    private static final String EXACT = "\\d+\\.\\d+\\.\\d+";

    /** Validates every setting and every hop; prefer {@link #builder(ElasticsearchEndpoint, List)}. */
    public RollingSequenceSettings {
        require(sequenceId != null && sequenceId.matches("[A-Za-z0-9][A-Za-z0-9._-]*"),
                "sequenceId must be letters, digits, '.', '_' or '-', was '" + sequenceId + "'");
        requireNonNull(cluster, "cluster");
        require(targetVersions != null && !targetVersions.isEmpty(),
                "targetVersions must list at least one release, e.g. [8.19.21, 9.2.4]");
        targetVersions = List.copyOf(targetVersions);
        targetVersions.forEach(v -> require(v != null && v.matches(EXACT), "every target version of a sequence"
                + " must be an exact release such as 8.19.21 (the next hop starts from it), was '" + v + "'"));
        requireNonNull(fromVersion, "fromVersion");
        fromVersion.ifPresent(v -> require(v.matches(EXACT), "fromVersion must be an exact release such as 7.17.29, "
                + "was '" + v + "'"));
        requireNonNull(requiredHealth, "requiredHealth");
        requireNonNull(nodeOrder, "nodeOrder");
        nodeOrder = nodeOrder.map(List::copyOf);
        SettingsChecks.positive(nodeTimeout, "nodeTimeout");
        checkHops(fromVersion, targetVersions);
        readOnlyBefore9 = List.copyOf(requireNonNull(readOnlyBefore9, "readOnlyBefore9"));
        require(readOnlyBefore9.isEmpty() || firstHopTo9(targetVersions).isPresent(), "readOnlyBefore9 needs a hop to"
                + " a 9.x release in targetVersions, had " + targetVersions);
    }

    /** The first hop to a 9.x release, before which {@link #readOnlyBefore9()} are write-blocked, if any. */
    public Optional<String> firstHopTo9() {
        return firstHopTo9(targetVersions);
    }

    private static Optional<String> firstHopTo9(List<String> targets) {
        return targets.stream().filter(v -> v.startsWith("9.")).findFirst();
    }

    /** The settings of the write block added before the first 9.x hop, if {@link #readOnlyBefore9()} names indices. */
    public Optional<MarkReadOnlySettings> markReadOnly() {
        return readOnlyBefore9.isEmpty() ? Optional.empty()
                : Optional.of(MarkReadOnlySettings.builder(cluster, readOnlyBefore9).build());
    }

    /** The id of the plan adding the write block before the hop to {@code targetVersion}. */
    public String markReadOnlyPlanId(String targetVersion) {
        return sequenceId + "/mark-read-only-before-" + targetVersion;
    }

    /**
     * The settings of the rolling upgrade of one hop, to {@code targetVersion}; validated like
     * any {@link RollingUpgradeSettings}.
     */
    public RollingUpgradeSettings hop(String targetVersion) {
        RollingUpgradeSettings.Builder b = RollingUpgradeSettings.builder(cluster, targetVersion)
                .requiredHealth(requiredHealth).nodeTimeout(nodeTimeout);
        nodeOrder.ifPresent(b::nodeOrder);
        return b.build();
    }

    /** The id of the plan of the hop to {@code targetVersion}: {@code <sequenceId>/<targetVersion>}. */
    public String planId(String targetVersion) {
        return sequenceId + "/" + targetVersion;
    }

    private static void checkHops(Optional<String> fromVersion, List<String> targets) {
        List<String> chain = new ArrayList<>();
        fromVersion.ifPresent(chain::add);
        chain.addAll(targets);
        for (int i = 1; i < chain.size(); i++) {
            EsVersion source = EsVersion.parse(chain.get(i - 1));
            String target = chain.get(i);
            require(EsVersion.parse(target).compareTo(source) > 0, "the hops must ascend: " + source + " → " + target
                    + " goes back or stays; list the target versions oldest first, e.g. [8.19.21, 9.2.4]");
            Optional<String> refusal = UpgradeRules.refusal(source, target);
            if (refusal.isPresent()) {
                throw SettingsChecks.invalid("the hop " + source + " → " + target + " is refused: " + refusal.get()
                        + missingHop(source, EsVersion.parse(target)));
            }
        }
    }

    /** The hint naming the hop to insert when the source is not on the line the target's major requires. */
    private static String missingHop(EsVersion source, EsVersion target) {
        return UpgradeRules.requiredSourceLine(target.major())
                .filter(line -> !(source + ".").startsWith(line + "."))
                .map(line -> ". Add a hop to the latest " + line + " release before " + target
                        + " in targetVersions")
                .orElse("");
    }

    /** A builder of the sequence through {@code targetVersions} (exact releases, ascending). */
    public static Builder builder(ElasticsearchEndpoint cluster, List<String> targetVersions) {
        return new Builder(cluster, targetVersions);
    }

    /** Builder of {@link RollingSequenceSettings}; {@link #build()} validates the settings and the hops. */
    public static final class Builder {
        private final ElasticsearchEndpoint cluster;
        private final List<String> targetVersions;
        private String sequenceId = DEFAULT_SEQUENCE_ID;
        private String fromVersion;
        private HealthStatus requiredHealth = HealthStatus.GREEN;
        private List<String> nodeOrder;
        private Duration nodeTimeout = Duration.ofMinutes(15);
        private List<String> readOnlyBefore9 = List.of();

        private Builder(ElasticsearchEndpoint cluster, List<String> targetVersions) {
            this.cluster = requireNonNull(cluster, "cluster");
            this.targetVersions = targetVersions == null ? null : new ArrayList<>(targetVersions);
        }

        /** The sequence id (default {@value RollingSequenceSettings#DEFAULT_SEQUENCE_ID}); keep it stable once run. */
        public Builder sequenceId(String id) {
            this.sequenceId = id;
            return this;
        }

        /** The release the cluster runs now (e.g. {@code 7.17.29}): the first hop is checked at build time too. */
        public Builder fromVersion(String version) {
            this.fromVersion = requireNonNull(version, "version");
            return this;
        }

        /** Health required before each node (default green; yellow for clusters without replicas). */
        public Builder requiredHealth(HealthStatus health) {
            this.requiredHealth = requireNonNull(health, "health");
            return this;
        }

        /** Explicit node order (names as in {@code node.name}), the same for every hop. */
        public Builder nodeOrder(List<String> names) {
            this.nodeOrder = requireNonNull(names, "names");
            return this;
        }

        /** Longest wait per gate / rejoin / health (default 15 min). */
        public Builder nodeTimeout(Duration timeout) {
            this.nodeTimeout = timeout;
            return this;
        }

        /**
         * Indices created on 7.x that 9.x must keep read-only: a plan adds their write block on 8.19,
         * before the first 9.x hop (9.x refuses a 7.x index without it). Reindex the ones still written to instead.
         */
        public Builder readOnlyBefore9(List<String> indices) {
            this.readOnlyBefore9 = requireNonNull(indices, "indices");
            return this;
        }

        /** The settings; fails with {@code ES_INVALID_CONFIGURATION} naming the first invalid setting or hop. */
        public RollingSequenceSettings build() {
            RollingSequenceSettings settings = new RollingSequenceSettings(sequenceId, cluster, targetVersions,
                    Optional.ofNullable(fromVersion), requiredHealth, Optional.ofNullable(nodeOrder), nodeTimeout,
                    readOnlyBefore9);
            settings.targetVersions().forEach(settings::hop);   // each hop's own checks, at build time
            settings.markReadOnly();
            return settings;
        }
    }
}
