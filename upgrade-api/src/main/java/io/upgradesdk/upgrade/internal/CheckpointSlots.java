package io.upgradesdk.upgrade.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Reads the two-slot layout the file store wrote before the {@link CheckpointLog}: two fixed-size
 * slots, each holding a whole {@link CheckpointFile} document with a sequence number and a CRC-32.
 * Such a file is read (the newest intact slot) and replaced by a log at the next change.
 *
 * <pre>
 * {"format":"upgrade-sdk/checkpoint-slots","version":1,"capacity":C,"slots":[
 * {"seq":S,"crc":X,"length":L,"content":{...the checkpoint file...}}   (padded with spaces to C bytes)
 * ,
 * {"seq":S',...}                                                          (C bytes)
 * ]}
 * </pre>
 */
public final class CheckpointSlots {

    public static final String FORMAT = "upgrade-sdk/checkpoint-slots";
    private static final byte[] FORMAT_PREFIX = ("{\"format\":\"" + FORMAT + "\"").getBytes(StandardCharsets.US_ASCII);
    private static final Pattern HEADER = Pattern.compile(
            "\\{\"format\":\"" + Pattern.quote(FORMAT) + "\",\"version\":1,\"capacity\":(\\d{4,10}),\"slots\":\\[\n");
    private static final Pattern SLOT = Pattern.compile("\\{\"seq\":(\\d{1,19}),\"crc\":(\\d{1,10}),\"length\":(\\d{1,10}),"
            + "\"content\":");
    private static final byte[] BETWEEN = ",\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "]}\n".getBytes(StandardCharsets.US_ASCII);
    /** Enough bytes to read a slot's prefix (sequence, CRC, length). */
    private static final int PREFIX_BYTES = 80;

    /** The newest intact slot of a file: its content, sequence number and slot index. */
    public record Newest(byte[] content, long seq, int slot, int capacity) {
    }

    private CheckpointSlots() {
    }

    /** True when {@code bytes} (the start of a file suffices) is in this layout. */
    public static boolean isSlotted(byte[] bytes) {
        return bytes.length >= FORMAT_PREFIX.length
                && Arrays.equals(bytes, 0, FORMAT_PREFIX.length, FORMAT_PREFIX, 0, FORMAT_PREFIX.length);
    }

    /** The slot capacity named in a file's header, or -1 when the header is not intact. */
    public static int capacity(byte[] start) {
        Matcher m = HEADER.matcher(ascii(start, 0, Math.min(start.length, 120)));
        return m.lookingAt() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Byte offset of slot 0 or 1 in a file of slots of {@code capacity} bytes. */
    public static long offset(int capacity, int slot) {
        long first = header(capacity).length;
        return slot == 0 ? first : first + capacity + BETWEEN.length;
    }

    /** Total size of a file of slots of {@code capacity} bytes. */
    public static long size(int capacity) {
        return offset(capacity, 1) + capacity + END.length;
    }

    /**
     * The newest slot whose CRC holds; unreadable (naming {@code source}) when the header is
     * damaged, the size is wrong or no slot is intact.
     */
    public static Newest newest(byte[] file, String source) {
        int capacity = capacity(file);
        if (capacity < 0 || file.length != size(capacity)) {
            throw CheckpointJson.unreadable(source, "it is corrupted: the header or the size of the slotted file is wrong");
        }
        Newest best = null;
        for (int slot = 0; slot < 2; slot++) {
            Newest candidate = intact(file, (int) offset(capacity, slot), capacity, slot);
            if (candidate != null && (best == null || candidate.seq() > best.seq())) {
                best = candidate;
            }
        }
        if (best == null) {
            throw CheckpointJson.unreadable(source, "it is corrupted: neither of its two copies passes its checksum");
        }
        return best;
    }

    private static Newest intact(byte[] file, int at, int capacity, int slot) {
        Matcher m = SLOT.matcher(ascii(file, at, Math.min(PREFIX_BYTES, capacity)));
        if (!m.lookingAt()) {
            return null;
        }
        long length = Long.parseLong(m.group(3));
        int start = at + m.end();
        if (start + length + 1 > at + capacity || file[(int) (start + length)] != '}') {
            return null;
        }
        byte[] content = Arrays.copyOfRange(file, start, (int) (start + length));
        return crc(content) == Long.parseLong(m.group(2))
                ? new Newest(content, Long.parseLong(m.group(1)), slot, capacity) : null;
    }

    private static byte[] header(int capacity) {
        return ("{\"format\":\"" + FORMAT + "\",\"version\":1,\"capacity\":" + capacity + ",\"slots\":[\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static long crc(byte[] content) {
        CRC32 crc = new CRC32();
        crc.update(content);
        return crc.getValue();
    }

    private static String ascii(byte[] bytes, int from, int length) {
        int n = Math.max(0, Math.min(length, bytes.length - from));
        return new String(bytes, from, n, StandardCharsets.ISO_8859_1);
    }
}
