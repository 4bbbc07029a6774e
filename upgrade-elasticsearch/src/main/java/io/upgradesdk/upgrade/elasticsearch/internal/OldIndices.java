package io.upgradesdk.upgrade.elasticsearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The indices a target major cannot open, from {@code GET /_all/_settings?flat_settings=true}:
 * those created before {@code targetMajor - 1}. From 9.x on, an index of the major before that
 * (7.x for 9.x) is kept read-only when it carries a verified write block (what
 * {@code PUT /<index>/_block/write} sets on 8.18 and later), so it is listed as kept, not
 * blocking. System and hidden indices are listed apart: the SDK's fixes never touch them.
 *
 * @param blocking regular indices to fix before the upgrade (reindex, or a write block for 9.x)
 * @param system system or hidden indices to migrate with Elastic's own tools
 * @param keptReadOnly indices the target keeps read-only
 */
public record OldIndices(List<Index> blocking, List<Index> system, List<Index> keptReadOnly) {

    /** An old index: its name and the major it was created on. */
    public record Index(String name, int createdMajor) {
        @Override
        public String toString() {
            return name + " (created on " + createdMajor + ".x)";
        }
    }

    public OldIndices {
        blocking = List.copyOf(blocking);
        system = List.copyOf(system);
        keptReadOnly = List.copyOf(keptReadOnly);
    }

    /** Classifies the old indices of {@code settings} for a cluster going to {@code targetMajor}. */
    public static OldIndices of(JsonNode settings, int targetMajor) {
        List<Index> blocking = new ArrayList<>();
        List<Index> system = new ArrayList<>();
        List<Index> kept = new ArrayList<>();
        settings.fields().forEachRemaining(e -> {
            JsonNode s = e.getValue().path("settings");
            String created = s.path("index.version.created").asText("");
            if (created.isEmpty()) {
                return;
            }
            int major = (int) (Long.parseLong(created) / 1_000_000L);
            if (major >= targetMajor - 1) {
                return;
            }
            Index index = new Index(e.getKey(), major);
            if (e.getKey().startsWith(".") || s.path("index.hidden").asText("false").equals("true")) {
                system.add(index);
            } else if (targetMajor >= 9 && major == targetMajor - 2 && verifiedReadOnly(s)) {
                kept.add(index);
            } else {
                blocking.add(index);
            }
        });
        return new OldIndices(sorted(blocking), sorted(system), sorted(kept));
    }

    /** A write (or read-only) block that Elasticsearch verified (flushed) when it was added. */
    static boolean verifiedReadOnly(JsonNode flatSettings) {
        boolean block = flatSettings.path("index.blocks.write").asText("false").equals("true")
                || flatSettings.path("index.blocks.read_only").asText("false").equals("true");
        return block && flatSettings.path("index.verified_read_only").asText("false").equals("true");
    }

    private static List<Index> sorted(List<Index> indices) {
        indices.sort((a, b) -> a.name().compareTo(b.name()));
        return indices;
    }

    /** Whether nothing blocks the upgrade. */
    public boolean clear() {
        return blocking.isEmpty() && system.isEmpty();
    }
}
