package io.upgradesdk.upgrade.elasticsearch;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a {@link DocumentCopy} stands: the index it reads, the position after the last page
 * written, and its counters. Opaque; save its {@link #value() text} (a small JSON document with
 * names and sort values, never document data) and give it back to {@link DocumentCopy#run} to
 * resume. Inside a typed step cursor it is written as that text:
 *
 * <pre>{@code
 * record MoveState(CopyCursor copy) {}
 * ctx.saveCursor(new MoveState(cursor));                                   // {"copy":"{\"i\":0,...}"}
 * CopyCursor resume = ctx.cursor(MoveState.class).map(MoveState::copy).orElse(null);
 * }</pre>
 */
public final class CopyCursor {

    private final String value;

    private CopyCursor(String value) {
        this.value = value;
    }

    /** A cursor from the text {@link #value()} gave; checked when the copy runs. */
    @JsonCreator
    public static CopyCursor of(String value) {
        requireNonNull(value, "value");
        return new CopyCursor(value);
    }

    /** The text to save. */
    @JsonValue
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CopyCursor c && c.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
