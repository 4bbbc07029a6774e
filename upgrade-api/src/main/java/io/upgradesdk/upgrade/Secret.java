package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.internal.Redactor;
import java.util.Collection;

/**
 * A sensitive value (password, API key, token seed, JWT). Its {@code toString} is masked, and the
 * runner redacts its value from every event, log line, report and checkpoint.
 */
public final class Secret {

    private final String name;
    private final String value;

    private Secret(String name, String value) {
        this.name = requireNonNull(name, "name");
        this.value = requireNonNull(value, "value");
    }

    /** Wraps a secret value under a name used in messages ({@code "es.password"}). */
    public static Secret of(String name, String value) {
        return new Secret(name, value);
    }

    public String name() {
        return name;
    }

    /** The clear value, for the client that needs it; never log or store it. */
    public String reveal() {
        return value;
    }

    /**
     * {@code text} with the value of each of {@code secrets} replaced by {@code ****}, the longest
     * value first (a secret that contains another one is masked whole): the masking the runner applies
     * to its events, reports and checkpoints, for a text the host builds itself (an error it reports
     * before a run, a line it logs). Null stays null.
     */
    public static String redact(String text, Collection<Secret> secrets) {
        return new Redactor(requireNonNull(secrets, "secrets")).redact(text);
    }

    @Override
    public String toString() {
        return "Secret[" + name + "=****]";
    }
}
