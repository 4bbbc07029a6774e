package io.upgradesdk.upgrade.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The chunked record list reads, replaces and appends like a copied list, at every chunk border. */
class StepRecordListTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static StepRecord pending(int i) {
        return StepRecord.pending("step-" + i);
    }

    private static StepRecord done(int i) {
        return new StepRecord("step-" + i, StepState.SUCCEEDED, 1, null, T0, T0, null);
    }

    private static List<StepRecord> plain(int size) {
        return IntStream.range(0, size).mapToObj(StepRecordListTest::pending).toList();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 31, 32, 33, 64, 65, 1000})
    void holdsTheRecordsInOrder(int size) {
        StepRecordList list = StepRecordList.of(plain(size).toArray(new StepRecord[0]));

        assertThat(list).hasSize(size).containsExactlyElementsOf(plain(size));
        assertThat(list).isEqualTo(plain(size));
        assertThat(list.hashCode()).isEqualTo(plain(size).hashCode());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 31, 32, 33, 64, 65, 1000})
    void replacingEachRecordInTurnChangesOnlyTheCopyAndOnlyThatPosition(int size) {
        StepRecordList original = StepRecordList.of(plain(size).toArray(new StepRecord[0]));
        List<StepRecord> expected = new ArrayList<>(plain(size));

        StepRecordList changed = original;
        for (int i = 0; i < size; i++) {
            changed = changed.with(i, done(i));
            expected.set(i, done(i));
            assertThat(changed.get(i)).isEqualTo(done(i));
        }

        assertThat(changed).containsExactlyElementsOf(expected);
        assertThat(original).containsExactlyElementsOf(plain(size));
    }

    @Test
    void appendingAcrossChunkBordersKeepsEveryEarlierVersionAsItWas() {
        StepRecordList list = StepRecordList.of(new StepRecord[0]);
        List<StepRecordList> versions = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            versions.add(list);
            list = list.appended(pending(i));
        }

        assertThat(list).containsExactlyElementsOf(plain(100));
        for (int size = 0; size < 100; size++) {
            assertThat(versions.get(size)).containsExactlyElementsOf(plain(size));
        }
        StepRecordList changedAfterAppend = list.with(99, done(99)).appended(pending(100));
        assertThat(changedAfterAppend.get(99)).isEqualTo(done(99));
        assertThat(changedAfterAppend).hasSize(101).last().isEqualTo(pending(100));
        assertThat(list.get(99)).isEqualTo(pending(99));
    }

    @Test
    void isReadOnlyAndChecksItsIndexes() {
        StepRecordList list = StepRecordList.of(plain(40).toArray(new StepRecord[0]));

        assertThatThrownBy(() -> list.set(0, done(0))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.add(done(0))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.get(40)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.with(40, done(40))).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
