package io.upgradesdk.upgrade;

/** Undoes the effects of a completed (or partly done) {@link Phase#UP} step. Must be idempotent. */
@FunctionalInterface
public interface Compensation {
    void compensate(StepContext context) throws Exception;
}
