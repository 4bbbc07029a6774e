package io.upgradesdk.upgrade;

/** Error codes of the plan engine and the checkpoint stores. */
public enum UpgradeErrorCode implements ErrorCode {
    /** A plan or step definition is invalid (duplicate ids, phase order, ...). */
    INVALID_PLAN,
    /** A builder was given an invalid or incomplete configuration. */
    INVALID_CONFIGURATION,
    /** Another run holds the plan's lease. */
    LOCK_HELD,
    /** This run's lease expired or was taken over; it stopped before writing. */
    LEASE_LOST,
    /** The stored checkpoint was written by a plan with different steps. */
    FINGERPRINT_MISMATCH,
    /** The point of no return was reached without a confirmation. */
    CONFIRMATION_REQUIRED,
    /** A step failed permanently or ran out of attempts. */
    STEP_FAILED,
    /**
     * A sequence's plans no longer match what its record says was applied: a plan was inserted
     * before an applied one, or an applied plan was removed from the sequence.
     */
    SEQUENCE_OUT_OF_ORDER,
    /** An operation was asked in the wrong phase (finish before up completed, ...). */
    PHASE_ORDER,
    /** Rollback is impossible (the point of no return has run, ...). */
    ROLLBACK_REFUSED,
    /** A step id that the plan does not contain. */
    UNKNOWN_STEP,
    /** A checkpoint could not be read: corrupted, foreign or of an unknown format. */
    CHECKPOINT_UNREADABLE,
    /** The checkpoint store failed to read or write. */
    STORE_UNAVAILABLE {
        @Override
        public boolean isTransient() {
            return true;
        }
    },
    /**
     * The checkpoint store answered against the {@link CheckpointStore} contract (a null or foreign
     * lease, a null {@code Optional}, ...): a defect of the store, or a mock not stubbed for the
     * calls a run makes. The message names the store class and the rule.
     */
    STORE_CONTRACT_BROKEN,
    /** A secret would have been written to a checkpoint, event or report. */
    SECRET_EXPOSED,
    /** The run was interrupted (thread interrupt). */
    INTERRUPTED,
    /** The run stopped at a safe point because its {@link StopSignal} was raised; run again to resume. */
    STOPPED;

    @Override
    public String id() {
        return "UPGRADE_" + name();
    }
}
