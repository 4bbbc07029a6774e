package io.upgradesdk.upgrade.kuzzle.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Kuzzle 1.x and 2.x physical naming rules (spec §1). Pure functions. */
public final class KuzzleNames {

    /** v1 plugin storage prefix. */
    public static final String V1_PLUGIN_PREFIX = "%plugin:";
    /** v2 plugin storage prefix. */
    public static final String V2_PLUGIN_PREFIX = "%plugin-";
    /** Internal collections migrated, in the script's order. */
    public static final java.util.List<String> INTERNAL_COLLECTIONS =
            java.util.List.of("config", "profiles", "roles", "users", "validations");

    private static final String FORBIDDEN = "\\/*?\"<>| \t\r\n,#:.&%+";
    private static final Pattern V2_PLUGIN_NAME = Pattern.compile("[a-z\\d-]+");
    private static final int MAX_BYTES = 126;

    private KuzzleNames() {
    }

    /** What a v1 index is, seen by the upgrade. */
    public enum IndexKind {
        /** The v1 internal index ({@code %kuzzle}). */
        INTERNAL,
        /** A plugin storage ({@code %plugin:<name>}). */
        PLUGIN,
        /** A public data index. */
        PUBLIC,
        /** An Elasticsearch system/hidden index ({@code .kibana}, {@code .tasks}, ...): never migrated (defect B8). */
        SYSTEM,
        /** An indice in the Kuzzle 2 layout, e.g. written by an earlier in-place run (defect B6): never a source. */
        V2,
        /** Another private ({@code %}) index: not Kuzzle data, left alone. */
        OTHER_PRIVATE
    }

    /** Classifies a source index name. */
    public static IndexKind classify(String index, String v1InternalIndex, String v2InternalName) {
        if (index.equals(v1InternalIndex)) {
            return IndexKind.INTERNAL;
        }
        if (index.startsWith(".")) {
            return IndexKind.SYSTEM;
        }
        if (index.startsWith("&") || index.startsWith("@") || index.startsWith(V2_PLUGIN_PREFIX)
                || index.startsWith("%" + v2InternalName + ".")) {
            return IndexKind.V2;
        }
        if (index.startsWith(V1_PLUGIN_PREFIX)) {
            return IndexKind.PLUGIN;
        }
        if (index.startsWith("%")) {
            return IndexKind.OTHER_PRIVATE;
        }
        return IndexKind.PUBLIC;
    }

    /** The plugin name of a v1 plugin index: text after the first ':' up to a possible second ':'. */
    public static String pluginName(String v1PluginIndex) {
        String rest = v1PluginIndex.substring(V1_PLUGIN_PREFIX.length());
        int colon = rest.indexOf(':');
        return colon < 0 ? rest : rest.substring(0, colon);
    }

    /** {@code %<v2InternalName>.<collection>}. */
    public static String internalTarget(String v2InternalName, String collection) {
        return "%" + v2InternalName + "." + collection;
    }

    /** {@code %plugin-<plugin>.<collection>}, lower-cased. */
    public static String pluginTarget(String v2PluginName, String collection) {
        return (V2_PLUGIN_PREFIX + v2PluginName + "." + collection).toLowerCase(Locale.ROOT);
    }

    /** {@code &<index>.<collection>}, the collection lower-cased. */
    public static String publicTarget(String index, String collection) {
        return "&" + index + "." + collection.toLowerCase(Locale.ROOT);
    }

    /** The Kuzzle ≥ 2.14 alias of an indice. */
    public static String alias(String target) {
        return "@" + target;
    }

    /**
     * Why Kuzzle 2 cannot address this index or collection name (after lower-casing where the
     * upgrade lower-cases), or empty when it can (2.14 API rules, spec §1.2; defect B16).
     */
    public static Optional<String> v2NameProblem(String name) {
        if (name.isEmpty()) {
            return Optional.of("is empty");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Optional.of("is longer than " + MAX_BYTES + " bytes");
        }
        if (!name.equals(name.toLowerCase(Locale.ROOT))) {
            return Optional.of("contains upper-case letters");
        }
        if (name.equals("_all")) {
            return Optional.of("is the reserved name _all");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (FORBIDDEN.indexOf(c) >= 0) {
                String shown = switch (c) {
                    case ' ' -> "a space";
                    case '\t' -> "a tab";
                    case '\r', '\n' -> "a line break";
                    default -> "'" + c + "'";
                };
                return Optional.of("contains " + shown + (c == '.' ? " (Kuzzle 2 would split the name there)" : ""));
            }
        }
        return Optional.empty();
    }

    /** Why a v2 plugin name is invalid (must match {@code ^[a-z\d-]+$}; defect B14), or empty. */
    public static Optional<String> v2PluginNameProblem(String name) {
        return V2_PLUGIN_NAME.matcher(name).matches()
                ? Optional.empty()
                : Optional.of("is not a valid Kuzzle 2 plugin name (only a-z, 0-9 and '-')");
    }
}
