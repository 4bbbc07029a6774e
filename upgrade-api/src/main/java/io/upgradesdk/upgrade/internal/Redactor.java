package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Replaces secret values in any text that leaves the runner (events, reports, checkpoints). */
public final class Redactor {

    public static final String MASK = "****";

    private final List<Secret> secrets;

    public Redactor(Collection<Secret> secrets) {
        // Longest first, so a secret containing another one is masked whole.
        this.secrets = secrets.stream().filter(s -> !s.reveal().isEmpty())
                .sorted(Comparator.comparingInt((Secret s) -> s.reveal().length()).reversed()).toList();
    }

    public String redact(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String result = text;
        for (Secret secret : secrets) {
            result = result.replace(secret.reveal(), MASK);
        }
        return result;
    }

    /** Fails when {@code text}, about to be stored, contains a secret. */
    public String requireClean(String text, String what) {
        for (Secret secret : secrets) {
            if (text != null && text.contains(secret.reveal())) {
                throw new UpgradeException(UpgradeErrorCode.SECRET_EXPOSED, what + " contains the value of secret '"
                        + secret.name() + "' and was not stored; keep secrets out of cursors (store an id instead)");
            }
        }
        return text;
    }

    /** A one-line description of an error, secrets masked. */
    public String describe(Throwable error) {
        String message = error.getMessage();
        String text = message == null ? error.getClass().getSimpleName() : error.getClass().getSimpleName() + ": " + message;
        return redact(text);
    }
}
