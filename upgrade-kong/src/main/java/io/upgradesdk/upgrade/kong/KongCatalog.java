package io.upgradesdk.upgrade.kong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upgradesdk.upgrade.UpgradeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The ordered migration names of every Kong OSS release from 1.0.0 to 3.9.3, per subsystem, with
 * their teardown flags. Bundled as the resource {@code kong-migrations-catalog.json} (derived from
 * Kong's release tags; names and booleans only). Immutable and thread-safe.
 *
 * <p>Caveats carried over from the data: OSS only; {@code session} and {@code acme} before 2.6.0
 * were external rocks and are absent; Cassandra-only teardowns count as no teardown.
 */
public final class KongCatalog {

    private static final String RESOURCE = "kong-migrations-catalog.json";

    private final NavigableMap<KongVersion, KongRelease> releases;

    private KongCatalog(NavigableMap<KongVersion, KongRelease> releases) {
        this.releases = Collections.unmodifiableNavigableMap(releases);
    }

    /** The bundled catalogue (parsed on each call; keep the instance). */
    public static KongCatalog bundled() {
        try (InputStream in = KongCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new UpgradeException(KongErrorCode.UNKNOWN_RELEASE,
                        "the resource " + RESOURCE + " is missing from the upgrade-kong jar; rebuild the jar");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** Parses a catalogue in the bundled format ({@code {"releases": {"x.y.z": {"sub": [{name, teardown}]}}}}). */
    public static KongCatalog parse(InputStream json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode rel = root == null ? null : root.get("releases");
        if (rel == null || !rel.isObject()) {
            throw new UpgradeException(KongErrorCode.UNKNOWN_RELEASE, "catalogue has no 'releases' object");
        }
        NavigableMap<KongVersion, KongRelease> releases = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = rel.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            KongVersion version = KongVersion.parse(entry.getKey());
            List<KongSubsystem> subsystems = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> s = entry.getValue().fields(); s.hasNext();) {
                Map.Entry<String, JsonNode> sub = s.next();
                List<KongMigration> migrations = new ArrayList<>();
                for (JsonNode m : sub.getValue()) {
                    migrations.add(new KongMigration(m.get("name").asText(), m.path("teardown").asBoolean(false)));
                }
                subsystems.add(new KongSubsystem(sub.getKey(), migrations));
            }
            subsystems.sort((a, b) -> a.isCore() ? (b.isCore() ? 0 : -1) : b.isCore() ? 1 : a.name().compareTo(b.name()));
            releases.put(version, new KongRelease(version, subsystems));
        }
        return new KongCatalog(releases);
    }

    /** All releases, oldest first. */
    public List<KongRelease> releases() {
        return List.copyOf(releases.values());
    }

    /** All release versions, oldest first. */
    public List<KongVersion> versions() {
        return List.copyOf(releases.keySet());
    }

    /** The newest release. */
    public KongRelease latest() {
        return releases.lastEntry().getValue();
    }

    /** The release, if the catalogue has it (OSS {@code x.y.z}; an Enterprise or rc version maps to its OSS base). */
    public Optional<KongRelease> find(KongVersion version) {
        return Optional.ofNullable(releases.get(version.ossBase()));
    }

    /** The release; {@code UNKNOWN_RELEASE} naming the known range when absent. */
    public KongRelease release(KongVersion version) {
        return find(version).orElseThrow(() -> new UpgradeException(KongErrorCode.UNKNOWN_RELEASE,
                "Kong " + version + " is not in the migrations catalogue (it knows OSS " + releases.firstKey() + " to "
                        + releases.lastKey() + "); pass a known release, or declare the subsystems yourself"));
    }

    /** Shortcut for {@code release(KongVersion.parse(version))}. */
    public KongRelease release(String version) {
        return release(KongVersion.parse(version));
    }

    /** The newest release of the {@code major.minor} line, if any. */
    public Optional<KongRelease> latestOf(int major, int minor) {
        KongVersion floor = KongVersion.of(major, minor, Integer.MAX_VALUE);
        Map.Entry<KongVersion, KongRelease> e = releases.floorEntry(floor);
        return e != null && e.getKey().major() == major && e.getKey().minor() == minor
                ? Optional.of(e.getValue()) : Optional.empty();
    }

    /** The distinct {@code major.minor} lines, oldest first, as their x.y.0 versions. */
    public List<KongVersion> minorLines() {
        List<KongVersion> lines = new ArrayList<>();
        for (KongVersion v : releases.keySet()) {
            if (lines.isEmpty() || !lines.get(lines.size() - 1).sameMinor(v)) {
                lines.add(KongVersion.of(v.major(), v.minor(), 0));
            }
        }
        return lines;
    }
}
