package io.upgradesdk.upgrade.kong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The migration state of a database for a given set of subsystems, computed exactly as Kong's
 * {@code State.load} does (spec §4), including its quirk that a gap before {@code last_executed}
 * counts as "new" and only the {@code last_executed} migration itself can be "missing". Rows of
 * subsystems not in the set, and names the code does not know, are ignored (as Kong does) but kept
 * in {@link #unknownRecorded()} so a caller can detect a database newer than the code.
 */
public final class MigrationState {

    /** Kong's NEEDS_BOOTSTRAP_MSG, verbatim (including its "migrated to" typo). */
    public static final String NEEDS_BOOTSTRAP_MSG = "Database needs bootstrapping or is older than Kong 1.0.\n\n"
            + "To start a new installation from scratch, run 'kong migrations bootstrap'.\n\n"
            + "To migrate from a version older than 1.0, migrated to Kong 1.5.0 first. \n"
            + "If you still have 'apis' entities, you can convert them to Routes and Services\n"
            + "using the 'kong migrations migrate-apis' command in Kong 1.5.0.\n\n";

    private final boolean needsBootstrap;
    private final List<SubsystemMigrations> executed;
    private final List<SubsystemMigrations> pending;
    private final List<SubsystemMigrations> missing;
    private final List<SubsystemMigrations> fresh;
    private final Map<String, List<String>> unknownRecorded;
    private final Map<String, List<String>> newerRecorded;

    /** The state in one word, for a caller that must act on it (a CLI's exit code, a pre-flight). */
    public enum Status {
        /** No {@code schema_meta} table: never bootstrapped. */
        NEEDS_BOOTSTRAP("database needs bootstrap"),
        /**
         * The database records migrations that neither this version nor an earlier one knows: it
         * was migrated by a newer Kong (or unknown code). Upgrading it to this version is a downgrade.
         */
        NEWER_THAN_CODE("database newer than target"),
        /** Up done, teardown not yet. */
        PENDING("database has pending migrations"),
        /** Migrations this version has and the database has not run. */
        NEW("database has new migrations to run"),
        /** Nothing to do. */
        UP_TO_DATE("database up to date");

        private final String description;

        Status(String description) {
            this.description = description;
        }

        /** What the status says, in words ("database newer than target"). */
        public String description() {
            return description;
        }
    }

    private MigrationState(boolean needsBootstrap, List<SubsystemMigrations> executed, List<SubsystemMigrations> pending,
            List<SubsystemMigrations> missing, List<SubsystemMigrations> fresh, Map<String, List<String>> unknownRecorded,
            Map<String, List<String>> newerRecorded) {
        this.needsBootstrap = needsBootstrap;
        this.executed = List.copyOf(executed);
        this.pending = List.copyOf(pending);
        this.missing = List.copyOf(missing);
        this.fresh = List.copyOf(fresh);
        this.unknownRecorded = Collections.unmodifiableMap(new LinkedHashMap<>(unknownRecorded));
        this.newerRecorded = Collections.unmodifiableMap(new LinkedHashMap<>(newerRecorded));
    }

    /**
     * Computes the state. {@code rows} is null when the {@code schema_meta} table does not exist
     * (needs bootstrap); an empty collection when it exists but is empty.
     *
     * @param subsystems the loaded subsystems in run order (core first, then plugins by name)
     * @param rows       the {@code schema_meta} rows, or null when the table is absent
     */
    public static MigrationState compute(List<KongSubsystem> subsystems, Collection<SchemaMetaRow> rows) {
        return compute(subsystems, rows, Map.of());
    }

    /**
     * Computes the state, telling apart the recorded names the code does not know because earlier
     * releases dropped them ({@code retired}: per subsystem, the names earlier releases declared)
     * from those no release up to this one knows, which make the database
     * {@linkplain Status#NEWER_THAN_CODE newer than the code}.
     */
    public static MigrationState compute(List<KongSubsystem> subsystems, Collection<SchemaMetaRow> rows,
            Map<String, Set<String>> retired) {
        if (rows == null) {
            Categories all = new Categories(retired);
            subsystems.forEach(s -> all.add(s, Classified.allNew(s)));
            return all.toState(true);
        }
        Map<String, SchemaMetaRow> bySubsystem = new LinkedHashMap<>();
        for (SchemaMetaRow row : rows) {
            bySubsystem.put(row.subsystem(), row);
        }
        Categories all = new Categories(retired);
        for (KongSubsystem s : subsystems) {
            SchemaMetaRow row = bySubsystem.get(s.name());
            all.add(s, row == null ? Classified.allNew(s) : Classified.of(s, row));
        }
        return all.toState(false);
    }

    /** One subsystem's migration names by category, and the recorded names the code does not know. */
    private record Classified(List<String> executed, List<String> pending, List<String> missing, List<String> fresh,
            List<String> unknown) {

        /** Never run (no row, or no table): every migration is new. */
        static Classified allNew(KongSubsystem s) {
            return new Classified(List.of(), List.of(), List.of(), names(s.migrations()), List.of());
        }

        /**
         * Kong's §4 walk over the code's migrations in order: executed or pending as recorded; a name
         * recorded in neither is new when it comes after {@code last_executed} (or there is none) and
         * missing before it, which, as in Kong, only the {@code last_executed} migration itself can be.
         */
        static Classified of(KongSubsystem s, SchemaMetaRow row) {
            Set<String> exec = new HashSet<>(row.executed());
            Set<String> pend = new HashSet<>(row.pending());
            List<String> e = new ArrayList<>();
            List<String> p = new ArrayList<>();
            List<String> m = new ArrayList<>();
            List<String> n = new ArrayList<>();
            int firstNew = -1;
            List<KongMigration> list = s.migrations();
            for (int i = 1; i <= list.size(); i++) {
                String name = list.get(i - 1).name();
                if (name.equals(row.lastExecuted())) {
                    firstNew = i + 1;
                }
                if (exec.contains(name)) {
                    e.add(name);
                } else if (pend.contains(name)) {
                    p.add(name);
                } else if (firstNew == -1 || i >= firstNew) {
                    n.add(name);
                } else {
                    m.add(name);
                }
            }
            return new Classified(e, p, m, n, unknownNames(list, row));
        }

        /** Names recorded (executed or pending) that the code does not declare, once each, in record order. */
        private static List<String> unknownNames(List<KongMigration> declared, SchemaMetaRow row) {
            Set<String> known = new HashSet<>(names(declared));
            Set<String> unknown = new LinkedHashSet<>();
            for (String name : concat(row.executed(), row.pending())) {
                if (!known.contains(name)) {
                    unknown.add(name);
                }
            }
            return List.copyOf(unknown);
        }

        private static List<String> names(List<KongMigration> migrations) {
            return migrations.stream().map(KongMigration::name).toList();
        }
    }

    /** The per-category lists being collected, subsystem by subsystem, in run order. */
    private static final class Categories {
        final List<SubsystemMigrations> executed = new ArrayList<>();
        final List<SubsystemMigrations> pending = new ArrayList<>();
        final List<SubsystemMigrations> missing = new ArrayList<>();
        final List<SubsystemMigrations> fresh = new ArrayList<>();
        final Map<String, List<String>> unknown = new LinkedHashMap<>();
        final Map<String, List<String>> newer = new LinkedHashMap<>();
        final Map<String, Set<String>> retired;

        Categories(Map<String, Set<String>> retired) {
            this.retired = retired;
        }

        void add(KongSubsystem s, Classified c) {
            addIfAny(executed, s, c.executed());
            addIfAny(pending, s, c.pending());
            addIfAny(missing, s, c.missing());
            addIfAny(fresh, s, c.fresh());
            if (!c.unknown().isEmpty()) {
                unknown.put(s.name(), c.unknown());
                Set<String> dropped = retired.getOrDefault(s.name(), Set.of());
                List<String> notDropped = c.unknown().stream().filter(name -> !dropped.contains(name)).toList();
                if (!notDropped.isEmpty()) {
                    newer.put(s.name(), notDropped);
                }
            }
        }

        private static void addIfAny(List<SubsystemMigrations> target, KongSubsystem s, List<String> names) {
            if (!names.isEmpty()) {
                target.add(new SubsystemMigrations(s.name(), s.namespace(), names));
            }
        }

        MigrationState toState(boolean needsBootstrap) {
            return new MigrationState(needsBootstrap, executed, pending, missing, fresh, unknown, newer);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** True when the {@code schema_meta} table does not exist. */
    public boolean needsBootstrap() {
        return needsBootstrap;
    }

    public List<SubsystemMigrations> executed() {
        return executed;
    }

    /** Up done, teardown not yet (the blue/green window). */
    public List<SubsystemMigrations> pending() {
        return pending;
    }

    /** Only ever the {@code last_executed} migration when recorded in neither array (Kong's quirk). */
    public List<SubsystemMigrations> missing() {
        return missing;
    }

    /** Migrations the code has and the database has not run. */
    public List<SubsystemMigrations> newMigrations() {
        return fresh;
    }

    /**
     * Names recorded in {@code schema_meta} (for a loaded subsystem) that the code does not know;
     * Kong ignores them. Non-empty means the database was migrated by newer code (or older code
     * whose migrations were dropped, like 1.x's {@code 001_14_to_15} under 2.x).
     */
    public Map<String, List<String>> unknownRecorded() {
        return unknownRecorded;
    }

    /**
     * The recorded names that neither this code nor (when computed with the earlier releases'
     * names) an earlier release knows, per subsystem: non-empty means the database is newer than
     * the code.
     */
    public Map<String, List<String>> newerRecorded() {
        return newerRecorded;
    }

    /** True when the database records migrations no release up to this one knows (see {@link #newerRecorded()}). */
    public boolean isNewerThanCode() {
        return !newerRecorded.isEmpty();
    }

    /** The state in one word; {@link Status#NEWER_THAN_CODE} wins over pending and new. */
    public Status status() {
        if (needsBootstrap) {
            return Status.NEEDS_BOOTSTRAP;
        }
        if (isNewerThanCode()) {
            return Status.NEWER_THAN_CODE;
        }
        if (!pending.isEmpty()) {
            return Status.PENDING;
        }
        return fresh.isEmpty() ? Status.UP_TO_DATE : Status.NEW;
    }

    public boolean hasPending() {
        return !pending.isEmpty();
    }

    public boolean hasNew() {
        return !fresh.isEmpty();
    }

    /** Kong's {@code is_up_to_date()}: bootstrapped and no new migrations (pending does not count). */
    public boolean isUpToDate() {
        return !needsBootstrap && fresh.isEmpty();
    }

    /** True only for the executed category (Kong's {@code is_migration_executed}). */
    public boolean isExecuted(String subsystem, String migration) {
        return find(executed, subsystem).map(s -> s.migrations().contains(migration)).orElse(false);
    }

    /** The category entry of a subsystem in a list, if present. */
    public static Optional<SubsystemMigrations> find(List<SubsystemMigrations> list, String subsystem) {
        return list.stream().filter(s -> s.subsystem().equals(subsystem)).findFirst();
    }

    /**
     * {@code kong migrations list}'s exit code: 3 needs bootstrap, 4 pending, 5 new only, 0 up to
     * date. As Kong's, it ignores a database {@linkplain #isNewerThanCode() newer than the code};
     * ask {@link #status()} for that.
     */
    public int exitCode() {
        if (needsBootstrap) {
            return 3;
        }
        if (!pending.isEmpty()) {
            return 4;
        }
        return fresh.isEmpty() ? 0 : 5;
    }

    /** Number of migrations in a category list. */
    public static int count(List<SubsystemMigrations> list) {
        return list.stream().mapToInt(s -> s.migrations().size()).sum();
    }

    /**
     * What {@code kong migrations list} prints for Kong {@code kongVersion}, and its exit code.
     *
     * @param kongVersion the version shown in the "pending and new" warning
     */
    public CommandOutput listOutput(String kongVersion) {
        if (needsBootstrap) {
            return new CommandOutput(3, NEEDS_BOOTSTRAP_MSG + "\n", "");
        }
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        if (!executed.isEmpty()) {
            out.append("Executed migrations:\n").append(render(executed)).append('\n');
        }
        if (!pending.isEmpty()) {
            out.append("\nPending migrations:\n").append(render(pending)).append('\n');
        }
        if (!fresh.isEmpty()) {
            out.append("\nNew migrations available:\n").append(render(fresh)).append('\n');
        }
        if (!pending.isEmpty() && !fresh.isEmpty()) {
            err.append("\nDatabase has pending migrations from a previous upgrade, and new migrations from this "
                    + "upgrade (version ").append(kongVersion).append(")\n");
            out.append("\nRun 'kong migrations finish' when ready to complete pending migrations (postgres database "
                    + "will be incompatible with the previous Kong version)\n");
        } else if (!pending.isEmpty()) {
            out.append("\nRun 'kong migrations finish' when ready\n");
        } else if (!fresh.isEmpty()) {
            out.append("\nRun 'kong migrations up' to proceed\n");
        }
        if (isNewerThanCode()) {
            err.append(newerThanCodeWarning(kongVersion));
        }
        return new CommandOutput(exitCode(), out.toString(), err.toString());
    }

    /** The warning for a database {@linkplain #isNewerThanCode() newer than the code} (Kong prints none). */
    public String newerThanCodeWarning(String kongVersion) {
        StringBuilder warning = new StringBuilder("\nDatabase newer than target: it records migrations Kong ")
                .append(kongVersion).append(" does not know:\n");
        int width = newerRecorded.keySet().stream().mapToInt(String::length).max().orElse(0);
        newerRecorded.forEach((subsystem, names) -> warning.append(" ".repeat(width - subsystem.length()))
                .append(subsystem).append(": ").append(String.join(", ", names)).append('\n'));
        return warning.append("It was migrated by a newer Kong: upgrading it to ").append(kongVersion)
                .append(" would be a downgrade. Use the Kong version that migrated it, or restore a backup taken"
                        + " before that upgrade\n").toString();
    }

    /**
     * Kong's category rendering: one line per subsystem, the name right-aligned to the longest name
     * in the list, then {@code ": "} and the names joined by {@code ", "}; no trailing newline.
     */
    public static String render(List<SubsystemMigrations> list) {
        int width = list.stream().mapToInt(s -> s.subsystem().length()).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (SubsystemMigrations s : list) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(" ".repeat(width - s.subsystem().length())).append(s.subsystem()).append(": ")
                    .append(String.join(", ", s.migrations()));
        }
        return sb.toString();
    }

    /**
     * What {@code kong migrations status} prints: the state as JSON, absent categories omitted.
     * Deviation: {@code missing_migrations} is written as names (Kong would try to encode functions).
     */
    public String toStatusJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("needs_bootstrap", needsBootstrap);
        putList(root, "executed_migrations", executed);
        putList(root, "pending_migrations", pending);
        putList(root, "missing_migrations", missing);
        putList(root, "new_migrations", fresh);
        return root.toString();
    }

    private static void putList(ObjectNode root, String key, List<SubsystemMigrations> list) {
        if (list.isEmpty()) {
            return;
        }
        ArrayNode array = root.putArray(key);
        for (SubsystemMigrations s : list) {
            ObjectNode o = array.addObject();
            o.put("subsystem", s.subsystem());
            o.put("namespace", s.namespace());
            ArrayNode names = o.putArray("migrations");
            s.migrations().forEach(names::add);
        }
    }

    @Override
    public String toString() {
        return "MigrationState[status=" + status() + ", needsBootstrap=" + needsBootstrap + ", executed=" + count(executed) + ", pending="
                + count(pending) + ", missing=" + count(missing) + ", new=" + count(fresh) + "]";
    }
}
