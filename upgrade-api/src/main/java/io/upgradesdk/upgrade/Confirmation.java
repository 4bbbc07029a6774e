package io.upgradesdk.upgrade;

/**
 * Decides whether the point of no return may run. The default is {@link #deny()}: without an
 * explicit yes, the runner stops before that step with outcome {@code AWAITING_CONFIRMATION}.
 *
 * <pre>{@code
 * Confirmation.givenInAdvance()                                  // --yes, non-interactive
 * request -> console.readLine("%s [y/N] ", request.question()).equalsIgnoreCase("y")   // interactive
 * }</pre>
 */
@FunctionalInterface
public interface Confirmation {

    /** True to let the point-of-no-return step run. */
    boolean confirm(ConfirmationRequest request);

    /** Never confirms: the safe default. */
    static Confirmation deny() {
        return request -> false;
    }

    /** Confirms without asking, for a non-interactive run whose operator said yes beforehand. */
    static Confirmation givenInAdvance() {
        return request -> true;
    }

    /** The question asked before the point of no return. */
    record ConfirmationRequest(String planId, String stepId, String description) {
        /** A one-line question to show an operator. */
        public String question() {
            return "Plan '" + planId + "' is about to run step '" + stepId + "' (" + description
                    + "), the point of no return: after it the upgrade cannot be rolled back. Continue?";
        }
    }
}
