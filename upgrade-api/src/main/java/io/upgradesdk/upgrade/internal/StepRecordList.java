package io.upgradesdk.upgrade.internal;

import io.upgradesdk.upgrade.StepRecord;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The step records of a checkpoint: an immutable list kept in chunks of {@value #CHUNK}, so that a
 * copy with one record replaced copies one chunk and the array of chunks, not the whole list. A
 * run records two changes per step (its start, its end), each a new checkpoint: with a copy of
 * every record per change a plan of n steps cost O(n²) (a 1,000-step plan spent more than half
 * its time copying records), with chunks a change copies about n/32 + 32 references.
 */
public final class StepRecordList extends AbstractList<StepRecord> implements RandomAccess {

    static final int CHUNK = 32;
    private static final int SHIFT = 5;
    private static final int MASK = CHUNK - 1;

    /** Full chunks but the last, which holds the rest; none is written after construction. */
    private final StepRecord[][] chunks;
    private final int size;

    private StepRecordList(StepRecord[][] chunks, int size) {
        this.chunks = chunks;
        this.size = size;
    }

    /** The records in order (the array is copied). */
    public static StepRecordList of(StepRecord[] records) {
        StepRecord[][] chunks = new StepRecord[(records.length + MASK) >>> SHIFT][];
        for (int c = 0; c < chunks.length; c++) {
            int from = c << SHIFT;
            chunks[c] = Arrays.copyOfRange(records, from, Math.min(records.length, from + CHUNK));
        }
        return new StepRecordList(chunks, records.length);
    }

    /** A copy with the record at {@code position} replaced. */
    public StepRecordList with(int position, StepRecord record) {
        Objects.checkIndex(position, size);
        StepRecord[][] copy = chunks.clone();
        StepRecord[] chunk = copy[position >>> SHIFT].clone();
        chunk[position & MASK] = record;
        copy[position >>> SHIFT] = chunk;
        return new StepRecordList(copy, size);
    }

    /** A copy with {@code record} added at the end. */
    public StepRecordList appended(StepRecord record) {
        int chunk = size >>> SHIFT;
        StepRecord[][] copy = Arrays.copyOf(chunks, chunk + 1);
        StepRecord[] last = chunk < chunks.length ? chunks[chunk] : new StepRecord[0];
        StepRecord[] grown = Arrays.copyOf(last, last.length + 1);
        grown[last.length] = record;
        copy[chunk] = grown;
        return new StepRecordList(copy, size + 1);
    }

    @Override
    public StepRecord get(int index) {
        Objects.checkIndex(index, size);
        return chunks[index >>> SHIFT][index & MASK];
    }

    @Override
    public int size() {
        return size;
    }
}
