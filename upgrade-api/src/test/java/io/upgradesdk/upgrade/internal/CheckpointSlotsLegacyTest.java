package io.upgradesdk.upgrade.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** Reading the two-slot layout of earlier versions: the newest intact slot wins, a torn one falls back. */
class CheckpointSlotsLegacyTest {

    private static final int CAPACITY = 1000;

    private static String slot(long seq, String content, int capacity) {
        byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        String slot = "{\"seq\":" + seq + ",\"crc\":" + crc.getValue() + ",\"length\":" + bytes.length + ",\"content\":"
                + content + "}";
        return slot + " ".repeat(Math.max(0, capacity - slot.length()));
    }

    private static byte[] file(String slot0, String slot1) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("{\"format\":\"" + CheckpointSlots.FORMAT + "\",\"version\":1,\"capacity\":" + CAPACITY
                + ",\"slots\":[\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(slot0.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(",\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(slot1.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes("]}\n".getBytes(StandardCharsets.US_ASCII));
        byte[] bytes = out.toByteArray();
        assertThat((long) bytes.length).isEqualTo(CheckpointSlots.size(CAPACITY));
        return bytes;
    }

    private static String text(CheckpointSlots.Newest newest) {
        return new String(newest.content(), StandardCharsets.US_ASCII);
    }

    @Test
    void theSlotWithTheHigherSequenceNumberWinsWhicheverItIs() {
        CheckpointSlots.Newest second = CheckpointSlots.newest(file(slot(1, "{\"a\":1}", CAPACITY),
                slot(2, "{\"a\":2}", CAPACITY)), "cp");
        CheckpointSlots.Newest first = CheckpointSlots.newest(file(slot(4, "{\"a\":4}", CAPACITY),
                slot(3, "{\"a\":3}", CAPACITY)), "cp");

        assertThat(second.slot()).isEqualTo(1);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(text(second)).isEqualTo("{\"a\":2}");
        assertThat(second.capacity()).isEqualTo(CAPACITY);
        assertThat(first.slot()).isZero();
        assertThat(text(first)).isEqualTo("{\"a\":4}");
    }

    @Test
    void aSlotFilledToItsLastByteIsIntact() {
        String full = null;
        for (int n = 0; full == null; n++) {
            String content = "{\"p\":\"" + "x".repeat(n) + "\"}";
            String candidate = slot(5, content, 0);
            if (candidate.length() == CAPACITY) {
                full = candidate;
            }
        }
        assertThat(full).hasSize(CAPACITY).endsWith("}");

        CheckpointSlots.Newest newest = CheckpointSlots.newest(file(full, slot(1, "{}", CAPACITY)), "cp");

        assertThat(newest.seq()).isEqualTo(5);
    }

    @Test
    void aTornSlotFallsBackToTheOtherSlot() {
        String newer = slot(9, "{\"a\":9}", CAPACITY);
        String torn = newer.replace("{\"a\":9}}", "{\"a\":9} ");   // its closing brace never written
        String longer = newer.replace("\"length\":7", "\"length\":8"); // claims one byte more

        assertThat(CheckpointSlots.newest(file(torn, slot(8, "{\"a\":8}", CAPACITY)), "cp").seq()).isEqualTo(8);
        assertThat(CheckpointSlots.newest(file(longer, slot(8, "{\"a\":8}", CAPACITY)), "cp").seq()).isEqualTo(8);
    }

    @Test
    void aSlotClaimingMoreThanItsCapacityIsNotRead() {
        String claims = slot(9, "{\"a\":9}", CAPACITY).replace("\"length\":7", "\"length\":" + CAPACITY).substring(0, CAPACITY);

        assertThat(CheckpointSlots.newest(file(claims, slot(8, "{\"a\":8}", CAPACITY)), "cp").seq()).isEqualTo(8);
    }

    @Test
    void noIntactSlotOrAWrongSizeIsUnreadable() {
        byte[] good = file(slot(1, "{}", CAPACITY), slot(2, "{}", CAPACITY));
        String blank = " ".repeat(CAPACITY);

        assertThatThrownBy(() -> CheckpointSlots.newest(file(blank, blank), "cp-file"))
                .isInstanceOf(UpgradeException.class).hasMessageContaining("neither of its two copies");
        assertThatThrownBy(() -> CheckpointSlots.newest(Arrays.copyOf(good, good.length + 1), "cp-file"))
                .isInstanceOf(UpgradeException.class).hasMessageContaining("the header or the size");
    }

    @Test
    void theFormatPrefixAloneIsEnoughToRecogniseTheLayoutAndLessIsNot() {
        byte[] prefix = ("{\"format\":\"" + CheckpointSlots.FORMAT + "\"").getBytes(StandardCharsets.US_ASCII);

        assertThat(CheckpointSlots.isSlotted(prefix)).isTrue();
        assertThat(CheckpointSlots.isSlotted(Arrays.copyOf(prefix, prefix.length - 1))).isFalse();
    }
    @Test
    void aSlotClaimingMoreBytesThanTheFileHasIsSkippedNotReadPastTheEnd() {
        String claims = slot(9, "{\"a\":9}", CAPACITY).replace("\"length\":7,", "\"length\":99999,");

        CheckpointSlots.Newest newest = CheckpointSlots.newest(file(slot(8, "{\"a\":8}", CAPACITY),
                claims.substring(0, CAPACITY)), "cp");

        assertThat(newest.seq()).isEqualTo(8);
    }

    /**
     * A second slot whose claimed content runs one byte into the file's closing {@code ]}} and
     * whose checksum matches those bytes: its closing brace would be the file's, outside the slot.
     */
    @Test
    void aSlotWhoseContentRunsIntoTheFilesClosingBytesIsNotReadEvenWhenTheyPassTheChecksum() {
        String runsOver = null;
        for (int seq = 9; seq < 1000 && runsOver == null; seq++) {   // a prefix whose length fits its own numbers
            for (int prefix = 40; prefix < 80 && runsOver == null; prefix++) {
                String padding = " ".repeat(CAPACITY - prefix);
                byte[] content = (padding + "]").getBytes(StandardCharsets.US_ASCII);
                CRC32 crc = new CRC32();
                crc.update(content);
                String head = "{\"seq\":" + seq + ",\"crc\":" + crc.getValue() + ",\"length\":" + content.length
                        + ",\"content\":";
                if (head.length() == prefix) {
                    runsOver = head + padding;
                }
            }
        }
        assertThat(runsOver).hasSize(CAPACITY);

        CheckpointSlots.Newest newest = CheckpointSlots.newest(file(slot(8, "{\"a\":8}", CAPACITY), runsOver), "cp");

        assertThat(newest.seq()).isEqualTo(8);
        assertThat(newest.slot()).isZero();
    }

    @Test
    void ofTwoIntactSlotsWithTheSameSequenceNumberTheFirstIsRead() {
        CheckpointSlots.Newest newest = CheckpointSlots.newest(file(slot(3, "{\"a\":1}", CAPACITY),
                slot(3, "{\"a\":2}", CAPACITY)), "cp");

        assertThat(newest.slot()).isZero();
        assertThat(text(newest)).isEqualTo("{\"a\":1}");
    }
}
