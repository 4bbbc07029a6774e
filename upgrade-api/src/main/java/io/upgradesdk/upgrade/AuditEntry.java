package io.upgradesdk.upgrade;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A recovery action taken by an operator, kept in the checkpoint: who, when, what and why.
 *
 * @param at     when
 * @param by     who (operator name)
 * @param action what, e.g. {@code MARK_DONE}, {@code MARK_SKIPPED}, {@code FORCE_RELEASE_LOCK}
 * @param stepId the step concerned, or {@code null}
 * @param reason why
 */
public record AuditEntry(Instant at, String by, String action, String stepId, String reason) {
    public AuditEntry {
        requireNonNull(at, "at");
        requireNonNull(by, "by");
        requireNonNull(action, "action");
        requireNonNull(reason, "reason");
    }
}
