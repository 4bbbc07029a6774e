package io.upgradesdk.upgrade.kong;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The migrations one Kong OSS release ships: {@code core} first, then its bundled plugins that have
 * migrations, alphabetically (the order Kong runs subsystems in since 2.4).
 *
 * @param version    the release
 * @param subsystems core first, then plugins by name
 */
public record KongRelease(KongVersion version, List<KongSubsystem> subsystems) {

    public KongRelease {
        Objects.requireNonNull(version, "version");
        subsystems = List.copyOf(subsystems);
    }

    public Optional<KongSubsystem> subsystem(String name) {
        return subsystems.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Subsystem names in run order. */
    public List<String> subsystemNames() {
        return subsystems.stream().map(KongSubsystem::name).toList();
    }

    /** Number of migrations over all subsystems. */
    public int migrationCount() {
        return subsystems.stream().mapToInt(s -> s.migrations().size()).sum();
    }

    /**
     * Per subsystem, the migrations of this release that {@code older} does not ship (what
     * {@code kong migrations up} runs when going from {@code older} to this release with the bundled
     * plugins); subsystems with none are left out.
     */
    public Map<String, List<KongMigration>> newSince(KongRelease older) {
        Map<String, List<KongMigration>> result = new LinkedHashMap<>();
        for (KongSubsystem subsystem : subsystems) {
            KongSubsystem before = older.subsystem(subsystem.name()).orElse(null);
            List<KongMigration> added = new ArrayList<>();
            for (KongMigration m : subsystem.migrations()) {
                if (before == null || before.migration(m.name()) == null) {
                    added.add(m);
                }
            }
            if (!added.isEmpty()) {
                result.put(subsystem.name(), List.copyOf(added));
            }
        }
        return result;
    }
}
