package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.StepRecord;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Reuses the JSON of step records that did not change since the previous write. Records are
 * immutable and a checkpoint update shares every unchanged instance, so a write of an n-step
 * checkpoint serialises one record instead of n. Not thread-safe; one per writer.
 */
public final class StepJsonCache implements Function<StepRecord, String> {

    private Map<StepRecord, String> previous = new IdentityHashMap<>();
    private Map<StepRecord, String> current = new IdentityHashMap<>();

    @Override
    public String apply(StepRecord step) {
        String json = previous.get(step);
        if (json == null) {
            json = CheckpointJson.stepJson(step);
        }
        current.put(step, json);
        return json;
    }

    /** Ends a write: only the records of this write are kept for the next. */
    public void endWrite() {
        Map<StepRecord, String> spare = previous;
        previous = current;
        spare.clear();
        current = spare;
    }
}
