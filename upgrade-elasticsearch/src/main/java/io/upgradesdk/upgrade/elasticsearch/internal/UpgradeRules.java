package io.upgradesdk.upgrade.elasticsearch.internal;

import java.util.List;
import java.util.Optional;

/**
 * The supported Elasticsearch upgrade paths as data: for each major-to-major path, the source
 * minor lines it starts from (and the target releases each may go to), the plan kinds, the oldest
 * target release known to read each source patch, and the versions tested here. Pre-flight of the
 * snapshot-restore, rolling and reindex plans asks {@link #refusal} and never decides on its own;
 * the module README's table of paths is rendered from {@link #PATHS} by a test.
 */
public final class UpgradeRules {

    /** The plan kinds of the module, as the README names them. */
    public enum PlanKind {
        PREFLIGHT("pre-flight"), SNAPSHOT_RESTORE("snapshot-restore"), ROLLING("rolling"),
        REINDEX("reindex (local, from remote)");

        private final String label;

        PlanKind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * A minor line a path starts from and the target releases it may go to
     * ({@code [minimumTarget, belowTarget)}, {@code belowTarget} null = no upper bound).
     */
    public record SourceLine(String line, EsVersion minimumTarget, EsVersion belowTarget) {

        boolean holds(EsVersion v) {
            return (v + ".").startsWith(line + ".");
        }

        /** Whether some release of the target (a version, or every release of a prefix) is allowed. */
        boolean accepts(Target target) {
            return target.below().compareTo(minimumTarget) > 0
                    && (belowTarget == null || target.version().compareTo(belowTarget) < 0);
        }

        String targets() {
            return belowTarget == null ? minimumTarget + " or later"
                    : minimumTarget.major() + "." + minimumTarget.minor() + ".x";
        }
    }

    /**
     * The oldest target release known to read the source patches {@code [sourceFrom, sourceTo]}: a
     * target release older than its source patch does not know that patch's format (seen: a snapshot
     * of 8.19.21 refused by 9.2.0 with "checksums do not match", read by 9.2.4).
     */
    public record ReleaseKnowledge(EsVersion sourceFrom, EsVersion sourceTo, EsVersion minimumTarget, String evidence) {

        boolean covers(EsVersion source) {
            return source.atLeast(sourceFrom) && sourceTo.atLeast(source);
        }
    }

    /** One major-to-major path. */
    public record UpgradePath(int fromMajor, int toMajor, List<SourceLine> sourceLines, List<PlanKind> planKinds,
            List<ReleaseKnowledge> knownReleases, String tested) {

        public UpgradePath {
            sourceLines = List.copyOf(sourceLines);
            planKinds = List.copyOf(planKinds);
            knownReleases = List.copyOf(knownReleases);
        }

        /** The line every source must reach first: the first, newest one. */
        public String requiredSourceLine() {
            return sourceLines.get(0).line();
        }
    }

    private static final List<PlanKind> ALL_KINDS = List.of(PlanKind.PREFLIGHT, PlanKind.SNAPSHOT_RESTORE,
            PlanKind.ROLLING, PlanKind.REINDEX);
    private static final int ANY_PATCH = Integer.MAX_VALUE;

    /** The paths, oldest first. */
    public static final List<UpgradePath> PATHS = List.of(
            new UpgradePath(7, 8, List.of(new SourceLine("7.17", v("8.0.0"), null)), ALL_KINDS, List.of(),
                    "7.17.29 → 8.19.21"),
            new UpgradePath(8, 9, List.of(new SourceLine("8.19", v("9.1.0"), null),
                    new SourceLine("8.18", v("9.0.0"), v("9.1.0"))), ALL_KINDS, List.of(
                    new ReleaseKnowledge(v("8.18.0"), new EsVersion(8, 18, ANY_PATCH), v("9.0.0"),
                            "9.0 is the release line of 8.18"),
                    new ReleaseKnowledge(v("8.19.0"), v("8.19.0"), v("9.1.0"), "released together"),
                    new ReleaseKnowledge(v("8.19.1"), v("8.19.21"), v("9.2.4"),
                            "measured: 9.2.0 cannot read an 8.19.21 snapshot, 9.2.4 can")),
                    "8.19.21 → 9.2.4"));

    private UpgradeRules() {
    }

    private static EsVersion v(String text) {
        return EsVersion.parse(text);
    }

    /** The path from {@code fromMajor} to the next major, if supported. */
    public static Optional<UpgradePath> from(int fromMajor) {
        return PATHS.stream().filter(p -> p.fromMajor() == fromMajor).findFirst();
    }

    /** The line a cluster must be on before going to {@code targetMajor} (e.g. 8.19 for 9), if a path leads there. */
    public static Optional<String> requiredSourceLine(int targetMajor) {
        return from(targetMajor - 1).map(UpgradePath::requiredSourceLine);
    }

    /**
     * Why a node on {@code source} cannot be upgraded to {@code target}, or empty when the rules
     * allow it. {@code target} is a version or a prefix ({@code 9}, {@code 9.2}); a prefix is
     * checked as its oldest release for the line rules, and the release-knowledge rule is left to
     * the exact version.
     */
    public static Optional<String> refusal(EsVersion source, String target) {
        Target t = Target.parse(target);
        if (t.below().compareTo(source) <= 0) {
            return Optional.of(source + " → " + target + " is a downgrade; Elasticsearch cannot go back to an older "
                    + "release on the same data: restore a snapshot into a cluster of the older release instead");
        }
        if (t.major() == source.major()) {
            return Optional.empty();
        }
        if (t.major() > source.major() + 1) {
            String via = from(source.major()).map(p -> "the latest " + p.requiredSourceLine())
                    .orElse(source.major() + 1 + ".x");
            return Optional.of(source + " → " + target + " skips " + (source.major() + 1) + ".x; Elasticsearch upgrades "
                    + "one major at a time: upgrade to " + via + " first, then to " + t.major() + ".x");
        }
        Optional<UpgradePath> path = from(source.major());
        if (path.isEmpty()) {
            return Optional.of("no supported upgrade path from " + source + " to " + target + " (supported: "
                    + PATHS.stream().map(p -> p.requiredSourceLine() + " → " + p.toMajor() + ".x").toList() + ")");
        }
        return lineRefusal(path.get(), source, t).or(() -> knowledgeRefusal(path.get(), source, t));
    }

    private static Optional<String> lineRefusal(UpgradePath path, EsVersion source, Target t) {
        Optional<SourceLine> line = path.sourceLines().stream().filter(l -> l.holds(source)).findFirst();
        if (line.isEmpty()) {
            return Optional.of(source + " cannot be upgraded to " + t.text() + " directly: upgrade every node to the "
                    + "latest " + path.requiredSourceLine() + " release first (rolling restart), then to "
                    + t.major() + ".x");
        }
        if (!line.get().accepts(t)) {
            return Optional.of(source + " can go to " + line.get().targets() + " only, not " + t.text()
                    + "; upgrade to the latest " + path.requiredSourceLine() + " first for " + path.sourceLines()
                    .get(0).targets());
        }
        return Optional.empty();
    }

    private static Optional<String> knowledgeRefusal(UpgradePath path, EsVersion source, Target t) {
        if (path.knownReleases().isEmpty()) {
            return Optional.empty();
        }
        Optional<ReleaseKnowledge> known = path.knownReleases().stream().filter(k -> k.covers(source)).findFirst();
        if (known.isEmpty()) {
            EsVersion newest = path.knownReleases().get(path.knownReleases().size() - 1).sourceTo();
            return Optional.of("the rules of this SDK know " + path.fromMajor() + ".x patches up to " + newest + ", not "
                    + source + ": which " + path.toMajor() + ".x releases can read it is unknown; use an SDK release "
                    + "that knows " + source);
        }
        if (t.exact() && t.version().compareTo(known.get().minimumTarget()) < 0) {
            return Optional.of(t.text() + " is older than " + source + " and cannot read its data (" + known.get()
                    .evidence() + "); use " + known.get().minimumTarget() + " or a later " + path.toMajor()
                    + ".x release");
        }
        return Optional.empty();
    }

    /**
     * A target version or prefix: {@code 9} stands for {@code [9.0.0, 10.0.0)}, {@code 9.2} for
     * {@code [9.2.0, 9.3.0)}, {@code 9.2.4} for itself (exact).
     */
    record Target(String text, EsVersion version, boolean exact, EsVersion below) {

        int major() {
            return version.major();
        }

        static Target parse(String text) {
            String[] parts = text.trim().split("\\.");
            int[] n = new int[3];
            for (int i = 0; i < Math.min(3, parts.length); i++) {
                n[i] = Integer.parseInt(parts[i].replaceAll("[^0-9].*", ""));
            }
            EsVersion below = switch (Math.min(3, parts.length)) {
                case 1 -> new EsVersion(n[0] + 1, 0, 0);
                case 2 -> new EsVersion(n[0], n[1] + 1, 0);
                default -> new EsVersion(n[0], n[1], n[2] + 1);
            };
            return new Target(text.trim(), new EsVersion(n[0], n[1], n[2]), parts.length >= 3, below);
        }
    }
}
