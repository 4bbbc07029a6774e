package io.upgradesdk.upgrade.kong;

import java.util.List;
import java.util.Objects;

/**
 * One row of Kong's {@code schema_meta} table ({@code key = 'schema_meta'}). Arrays keep the
 * database order and any duplicates (Kong appends duplicates on {@code --force}); readers treat
 * them as sets. A NULL array reads as an empty list.
 *
 * @param subsystem    {@code core} or a plugin
 * @param lastExecuted the last migration recorded executed or torn down, or null
 * @param executed     fully applied migration names
 * @param pending      names whose up ran but teardown did not
 */
public record SchemaMetaRow(String subsystem, String lastExecuted, List<String> executed, List<String> pending) {
    public SchemaMetaRow {
        Objects.requireNonNull(subsystem, "subsystem");
        executed = executed == null ? List.of() : List.copyOf(executed);
        pending = pending == null ? List.of() : List.copyOf(pending);
    }
}
