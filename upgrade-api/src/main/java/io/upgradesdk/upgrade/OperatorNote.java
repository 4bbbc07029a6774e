package io.upgradesdk.upgrade;

import io.upgradesdk.upgrade.spi.Check;

/**
 * Who performs a recovery operation and why; recorded in the checkpoint's audit trail.
 *
 * <pre>{@code runner.markDone(plan, "copy-users", OperatorNote.by("alice", "copied by hand, ticket OPS-12"));}</pre>
 */
public record OperatorNote(String operator, String reason) {

    public OperatorNote {
        Check.argument(operator != null && !operator.isBlank(), "an operator note needs the operator's name");
        Check.argument(reason != null && !reason.isBlank(),
                "an operator note needs a reason: say why the recovery operation is safe");
    }

    public static OperatorNote by(String operator, String reason) {
        return new OperatorNote(operator, reason);
    }
}
