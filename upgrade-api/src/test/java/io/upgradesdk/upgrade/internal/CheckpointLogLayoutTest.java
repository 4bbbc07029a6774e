package io.upgradesdk.upgrade.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The byte layout of the checkpoint log: header, areas, records, chains and which area is newest. */
class CheckpointLogLayoutTest {

    private static final int CAPACITY = CheckpointLog.MIN_AREA;
    private static final int FRAME = CheckpointLog.FRAME_BYTES;

    private static byte[] payload(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(CheckpointLog.Record record) {
        return new String(record.payload(), StandardCharsets.UTF_8);
    }

    /** A whole file with {@code area0} and {@code area1} (records, terminated) at the starts of its areas. */
    private static byte[] file(byte[] area0, byte[] area1) {
        byte[] file = CheckpointLog.newFile(CAPACITY, 1, payload("{}"));
        Arrays.fill(file, CheckpointLog.HEADER_BYTES, file.length, (byte) 0);
        System.arraycopy(area0, 0, file, (int) CheckpointLog.areaOffset(CAPACITY, 0), area0.length);
        System.arraycopy(area1, 0, file, (int) CheckpointLog.areaOffset(CAPACITY, 1), area1.length);
        return file;
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer out = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }

    /** A record without the empty frame the writers put after it. */
    private static byte[] bare(byte[] terminated) {
        return Arrays.copyOf(terminated, terminated.length - FRAME);
    }

    @Test
    void aNewFileHasAPaddedHeaderNamingItsAreaCapacityAndItsBaseInAreaZero() {
        byte[] file = CheckpointLog.newFile(CAPACITY, 7, payload("{\"a\":1}"));

        assertThat(file).hasSize((int) CheckpointLog.fileSize(CAPACITY));
        assertThat(CheckpointLog.fileSize(CAPACITY)).isEqualTo(CheckpointLog.HEADER_BYTES + 2L * CAPACITY);
        assertThat(CheckpointLog.areaOffset(CAPACITY, 1)).isEqualTo(CheckpointLog.HEADER_BYTES + (long) CAPACITY);
        assertThat(CheckpointLog.isLog(file)).isTrue();
        assertThat(CheckpointLog.capacity(file)).isEqualTo(CAPACITY);
        assertThat(file[CheckpointLog.HEADER_BYTES - 1]).isEqualTo((byte) '\n');
        assertThat(file[CheckpointLog.HEADER_BYTES - 2]).isEqualTo((byte) ' ');
        CheckpointLog.Chain chain = CheckpointLog.newest(file, "cp");
        assertThat(chain.area()).isZero();
        assertThat(chain.base().seq()).isEqualTo(7);
        assertThat(chain.base().base()).isTrue();
        assertThat(text(chain.base())).isEqualTo("{\"a\":1}");
        assertThat(chain.changes()).isEmpty();
        assertThat(chain.lastSeq()).isEqualTo(7);
        assertThat(chain.tail()).isEqualTo(FRAME + 7);
        assertThat(CheckpointLog.seqAt(Arrays.copyOfRange(file, CheckpointLog.HEADER_BYTES,
                CheckpointLog.HEADER_BYTES + FRAME))).isEqualTo(7);
    }

    @Test
    void theFormatPrefixAloneIsEnoughToRecogniseTheLayoutAndLessIsNot() {
        byte[] prefix = ("{\"format\":\"" + CheckpointLog.FORMAT + "\"").getBytes(StandardCharsets.US_ASCII);

        assertThat(CheckpointLog.isLog(prefix)).isTrue();
        assertThat(CheckpointLog.isLog(Arrays.copyOf(prefix, prefix.length - 1))).isFalse();
        assertThat(CheckpointLog.isLog(payload("{\"format\":\"upgrade-sdk/checkpoint-file\"}"))).isFalse();
    }

    @Test
    void aDamagedHeaderHasNoCapacity() {
        assertThat(CheckpointLog.capacity(payload("{\"format\":\"" + CheckpointLog.FORMAT
                + "\",\"version\":2,\"area\":65536}"))).isEqualTo(-1);
        assertThat(CheckpointLog.capacity(payload("{\"format\""))).isEqualTo(-1);
    }

    @Test
    void anAreaLeavesRoomForThreeTimesItsBaseAndDoublesFromSixtyFourKilobytes() {
        int fitsExactly = CAPACITY / 4 - FRAME; // 4 * (base + frame) == 64 KiB
        assertThat(CheckpointLog.capacityFor(1)).isEqualTo(CAPACITY);
        assertThat(CheckpointLog.capacityFor(fitsExactly)).isEqualTo(CAPACITY);
        assertThat(CheckpointLog.capacityFor(fitsExactly + 1)).isEqualTo(2 * CAPACITY);
        assertThat(CheckpointLog.capacityFor(1 << 27)).isEqualTo(1 << 30);
        assertThatThrownBy(() -> CheckpointLog.capacityFor(1 << 28)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 GB");
    }

    @Test
    void aBaseFitsWhileItLeavesHalfTheAreaForChanges() {
        int half = CAPACITY / 2 - FRAME;
        assertThat(CheckpointLog.baseFits(half, CAPACITY)).isTrue();
        assertThat(CheckpointLog.baseFits(half + 1, CAPACITY)).isFalse();
    }

    @Test
    void aFrameShorterThanAFrameHasNoSequenceNumber() {
        byte[] record = CheckpointLog.baseRecord(9, payload("x"));
        assertThat(CheckpointLog.seqAt(Arrays.copyOf(record, FRAME))).isEqualTo(9);
        assertThat(CheckpointLog.seqAt(Arrays.copyOf(record, FRAME - 1))).isEqualTo(-1);
    }

    @Test
    void aRecordIsReadOnlyWhenWholeOfTheRightKindSequenceAndChecksum() {
        byte[] change = bare(CheckpointLog.changeRecord(5, payload("{\"c\":1}")));

        CheckpointLog.Record read = CheckpointLog.record(change, 0, false, 5);
        assertThat(read).isNotNull();
        assertThat(read.seq()).isEqualTo(5);
        assertThat(read.base()).isFalse();
        assertThat(read.size()).isEqualTo(change.length);
        assertThat(text(read)).isEqualTo("{\"c\":1}");

        assertThat(CheckpointLog.record(change, 0, true, 5)).as("kind").isNull();
        assertThat(CheckpointLog.record(change, 0, false, 6)).as("sequence").isNull();
        assertThat(CheckpointLog.record(change, -1, false, 5)).as("before the area").isNull();
        assertThat(CheckpointLog.record(Arrays.copyOf(change, change.length - 1), 0, false, 5)).as("torn payload")
                .isNull();
        assertThat(CheckpointLog.record(Arrays.copyOf(change, FRAME - 1), 0, false, 5)).as("torn frame").isNull();
        byte[] flipped = change.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThat(CheckpointLog.record(flipped, 0, false, 5)).as("checksum").isNull();
        byte[] zeros = new byte[FRAME + 4];
        assertThat(CheckpointLog.record(zeros, 0, false, 0)).as("empty frame").isNull();
    }

    @Test
    void aRecordEndingExactlyAtTheEndOfTheAreaIsRead() {
        byte[] change = bare(CheckpointLog.changeRecord(5, payload("{}")));
        byte[] area = concat(new byte[3], change);

        assertThat(CheckpointLog.record(area, 3, false, 5)).isNotNull();
    }

    @Test
    void aTornRecordAfterOthersIsNotRead() {
        byte[] change = bare(CheckpointLog.changeRecord(5, payload("{\"c\":1}")));
        byte[] area = concat(new byte[3], Arrays.copyOf(change, change.length - 1));

        assertThat(CheckpointLog.record(area, 3, false, 5)).isNull();
    }

    @Test
    void aBaseCarriesAnyPositiveSequenceNumberButNotZero() {
        assertThat(CheckpointLog.record(bare(CheckpointLog.baseRecord(1, payload("{}"))), 0, true, -1)).isNotNull();
        assertThat(CheckpointLog.record(bare(CheckpointLog.baseRecord(0, payload("{}"))), 0, true, -1)).isNull();
    }

    @Test
    void aChainIsItsBaseAndTheChangesThatFollowInSequenceUpToTheFirstGap() {
        byte[] area = concat(bare(CheckpointLog.baseRecord(10, payload("{\"b\":0}"))),
                bare(CheckpointLog.changeRecord(11, payload("{\"c\":1}"))),
                bare(CheckpointLog.changeRecord(12, payload("{\"c\":2}"))),
                bare(CheckpointLog.changeRecord(14, payload("{\"c\":4}"))));
        byte[] file = file(area, new byte[0]);

        CheckpointLog.Chain chain = CheckpointLog.chain(file, CAPACITY, 0);

        assertThat(chain.changes()).extracting(CheckpointLog.Record::seq).containsExactly(11L, 12L);
        assertThat(chain.lastSeq()).isEqualTo(12);
        assertThat(chain.tail()).isEqualTo(area.length - (FRAME + 7));
        assertThat(CheckpointLog.chain(file, CAPACITY, 1)).isNull();
    }

    @Test
    void theNewestChainIsTheOneReachingTheHighestSequenceNumberWhicheverItsArea() {
        byte[] old = concat(bare(CheckpointLog.baseRecord(1, payload("{}"))),
                bare(CheckpointLog.changeRecord(2, payload("{}"))));
        byte[] newer = bare(CheckpointLog.baseRecord(3, payload("{}")));

        assertThat(CheckpointLog.newest(file(old, newer), "cp").area()).isEqualTo(1);
        assertThat(CheckpointLog.newest(file(newer, old), "cp").area()).isZero();
        assertThat(CheckpointLog.newest(file(new byte[0], old), "cp").area()).isEqualTo(1);
        assertThat(CheckpointLog.newest(file(old, new byte[0]), "cp").area()).isZero();
    }

    @Test
    void aFileWithABadHeaderSizeOrNoIntactBaseIsUnreadableNamingTheSource() {
        byte[] good = CheckpointLog.newFile(CAPACITY, 1, payload("{}"));
        byte[] noBase = file(new byte[0], new byte[0]);
        byte[] badHeader = good.clone();
        badHeader[12] = 'X';

        assertUnreadable(() -> CheckpointLog.newest(noBase, "cp-file"), "neither of its two copies");
        assertUnreadable(() -> CheckpointLog.newest(Arrays.copyOf(good, good.length - 1), "cp-file"), "size");
        assertUnreadable(() -> CheckpointLog.newest(badHeader, "cp-file"), "header");
    }

    private static void assertUnreadable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String why) {
        assertThatThrownBy(call).isInstanceOfSatisfying(UpgradeException.class, e -> {
            assertThat(e.code()).isEqualTo(UpgradeErrorCode.CHECKPOINT_UNREADABLE);
            assertThat(e.getMessage()).contains("cp-file", why);
        });
    }
}
