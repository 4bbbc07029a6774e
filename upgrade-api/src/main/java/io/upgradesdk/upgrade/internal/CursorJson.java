package io.upgradesdk.upgrade.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;

/**
 * The JSON form of a typed step cursor. Unknown fields are ignored when reading, so a step may add
 * or drop fields of its state class between versions and still resume from an older checkpoint.
 */
public final class CursorJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private CursorJson() {
    }

    /** {@code state} as a JSON cursor; {@code INVALID_PLAN} when it cannot be written as JSON. */
    public static String write(String stepId, Object state) {
        if (state == null) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_PLAN, "step '" + stepId + "' saved a null cursor;"
                    + " save a value that says where to resume");
        }
        try {
            return MAPPER.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_PLAN, "step '" + stepId + "' saved a cursor of type "
                    + state.getClass().getName() + " that cannot be written as JSON (" + e.getOriginalMessage()
                    + "); use a record or a class with public fields or getters");
        }
    }

    /** The JSON cursor read as {@code type}; {@code CHECKPOINT_UNREADABLE} when it does not fit. */
    public static <T> T read(String stepId, String cursor, Class<T> type) {
        try {
            return MAPPER.readValue(cursor, type);
        } catch (JsonProcessingException e) {
            throw new UpgradeException(UpgradeErrorCode.CHECKPOINT_UNREADABLE, "the saved cursor of step '" + stepId
                    + "' cannot be read as " + type.getSimpleName() + " (" + e.getOriginalMessage() + "). It was"
                    + " written by another version of the step: read it with ctx.cursor() and convert it, or mark"
                    + " the step done or skipped once its work is checked");
        }
    }
}
