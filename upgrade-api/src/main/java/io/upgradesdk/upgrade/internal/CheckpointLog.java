package io.upgradesdk.upgrade.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The log layout of the checkpoint file: a header and two areas of equal, fixed capacity, each a
 * base record (the whole {@link CheckpointFile} at one sequence number) followed by change
 * records ({@link CheckpointChanges}), each one sequence number higher than the one before.
 *
 * <pre>
 * header  4096 bytes: {"format":"upgrade-sdk/checkpoint-log","version":1,"area":C} padded with spaces
 * area 0  C bytes:    base record, change record, change record, ..., then zeros or stale bytes
 * area 1  C bytes:    the same, holding older content (or nothing yet)
 * record:             length (int), seq (long), kind (byte 'B' base or 'C' change), CRC-32 (int) of
 *                     the 13 bytes before it and the payload, payload (UTF-8 JSON, length bytes);
 *                     written with an empty frame (zeros) after it, which the next record overwrites
 * </pre>
 *
 * A save appends one change record at the tail of the active area, in place (the whole file is
 * written when it is created, so no append changes its size or allocates a block) and forces only
 * the data. A record torn by a crash fails its CRC and ends the chain: the state before it stands.
 * When the active area is full, a new base goes to the start of the other area (compaction); a
 * compaction torn by a crash fails its CRC in turn and the active area, untouched, still holds the
 * previous state. A reader takes the area whose chain reaches the highest sequence number: records
 * left over from an area's earlier use have lower numbers than its current base and never join it.
 */
public final class CheckpointLog {

    public static final String FORMAT = "upgrade-sdk/checkpoint-log";
    public static final int HEADER_BYTES = 4096;
    /** Bytes before a record's payload: length, seq, kind, CRC. */
    public static final int FRAME_BYTES = 17;
    static final int MIN_AREA = 64 * 1024;
    private static final byte BASE = 'B';
    private static final byte CHANGE = 'C';
    private static final byte[] FORMAT_PREFIX = ("{\"format\":\"" + FORMAT + "\"").getBytes(StandardCharsets.US_ASCII);
    private static final Pattern HEADER = Pattern.compile(
            "\\{\"format\":\"" + Pattern.quote(FORMAT) + "\",\"version\":1,\"area\":(\\d{5,10})}");

    /** One intact record: its sequence number, payload and size in the file (frame included). */
    public record Record(long seq, boolean base, byte[] payload, int size) {
    }

    /** One area's intact chain: its base, the changes after it, and where the next record goes. */
    public record Chain(int area, Record base, List<Record> changes, long lastSeq, int tail) {
    }

    private CheckpointLog() {
    }

    /** True when {@code start} (the first bytes of a file suffice) is in this layout. */
    public static boolean isLog(byte[] start) {
        return start.length >= FORMAT_PREFIX.length
                && Arrays.equals(start, 0, FORMAT_PREFIX.length, FORMAT_PREFIX, 0, FORMAT_PREFIX.length);
    }

    /** The area capacity named by the header, or -1 when the header is not intact. */
    public static int capacity(byte[] start) {
        int n = Math.min(start.length, 120);
        Matcher m = HEADER.matcher(new String(start, 0, n, StandardCharsets.ISO_8859_1));
        return m.lookingAt() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Byte offset of area 0 or 1. */
    public static long areaOffset(int capacity, int area) {
        return HEADER_BYTES + (long) area * capacity;
    }

    /** Size of a file whose areas hold {@code capacity} bytes each. */
    public static long fileSize(int capacity) {
        return areaOffset(capacity, 2);
    }

    /** An area capacity (a power of two) leaving room for at least three times the base in changes. */
    public static int capacityFor(int baseBytes) {
        long needed = 4L * (baseBytes + FRAME_BYTES);
        int capacity = MIN_AREA;
        while (capacity < needed) {
            if (capacity > (1 << 29)) {
                throw new IllegalStateException("a checkpoint file over 2 GB is not supported");
            }
            capacity *= 2;
        }
        return capacity;
    }

    /** True when a base of {@code baseBytes} leaves at least half an area of {@code capacity} for changes. */
    public static boolean baseFits(int baseBytes, int capacity) {
        return 2L * (baseBytes + FRAME_BYTES) <= capacity;
    }

    /**
     * A base record followed by an empty frame, which ends the chain there (records left over
     * from the area's earlier use would end it too: their sequence numbers are lower).
     */
    public static byte[] baseRecord(long seq, byte[] payload) {
        return terminated(frame(seq, BASE, payload));
    }

    /** A change record followed by an empty frame; the next record overwrites that frame. */
    public static byte[] changeRecord(long seq, byte[] payload) {
        return terminated(frame(seq, CHANGE, payload));
    }

    private static byte[] terminated(byte[] record) {
        return Arrays.copyOf(record, record.length + FRAME_BYTES);
    }

    /** A whole new file: the base in area 0, everything else zeros (written, so appends allocate nothing). */
    public static byte[] newFile(int capacity, long seq, byte[] basePayload) {
        byte[] out = new byte[(int) fileSize(capacity)];
        byte[] header = ("{\"format\":\"" + FORMAT + "\",\"version\":1,\"area\":" + capacity + "}")
                .getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(out, 0, HEADER_BYTES - 1, (byte) ' ');
        System.arraycopy(header, 0, out, 0, header.length);
        out[HEADER_BYTES - 1] = '\n';
        byte[] base = baseRecord(seq, basePayload);
        System.arraycopy(base, 0, out, HEADER_BYTES, base.length);
        return out;
    }

    /** The sequence number written at the start of an area (not checked), or -1 when there is none. */
    public static long seqAt(byte[] frame) {
        return frame.length < FRAME_BYTES ? -1 : ByteBuffer.wrap(frame).getLong(4);
    }

    /**
     * The intact record at {@code at} of {@code area} (the area's bytes from its start), or null.
     * {@code expectedSeq} is the sequence number a change must carry; a base carries any.
     */
    public static Record record(byte[] area, int at, boolean base, long expectedSeq) {
        if (at < 0 || at + FRAME_BYTES > area.length) {
            return null;
        }
        ByteBuffer frame = ByteBuffer.wrap(area, at, FRAME_BYTES);
        int length = frame.getInt();
        long seq = frame.getLong();
        byte kind = frame.get();
        long crc = frame.getInt() & 0xFFFF_FFFFL;
        if (length <= 0 || length > area.length - at - FRAME_BYTES || kind != (base ? BASE : CHANGE)
                || (!base && seq != expectedSeq) || seq <= 0) {
            return null;
        }
        CRC32 check = new CRC32();
        check.update(area, at, FRAME_BYTES - 4);
        check.update(area, at + FRAME_BYTES, length);
        if (check.getValue() != crc) {
            return null;
        }
        return new Record(seq, base, Arrays.copyOfRange(area, at + FRAME_BYTES, at + FRAME_BYTES + length),
                FRAME_BYTES + length);
    }

    /** The intact chain of {@code area} of a whole file, or null when its base is not intact. */
    public static Chain chain(byte[] file, int capacity, int area) {
        int start = (int) areaOffset(capacity, area);
        byte[] bytes = Arrays.copyOfRange(file, start, start + capacity);
        Record base = record(bytes, 0, true, -1);
        if (base == null) {
            return null;
        }
        List<Record> changes = new ArrayList<>();
        int tail = base.size();
        long last = base.seq();
        for (Record next = record(bytes, tail, false, last + 1); next != null;
                next = record(bytes, tail, false, last + 1)) {
            changes.add(next);
            tail += next.size();
            last = next.seq();
        }
        return new Chain(area, base, changes, last, tail);
    }

    /**
     * The newest intact chain of a whole file in this layout; unreadable (naming {@code source})
     * when the header or the size is damaged or neither area holds an intact base.
     */
    public static Chain newest(byte[] file, String source) {
        int capacity = capacity(file);
        if (capacity < 0 || file.length != fileSize(capacity)) {
            throw CheckpointJson.unreadable(source, "it is corrupted: the header or the size of the log file is wrong");
        }
        Chain first = chain(file, capacity, 0);
        Chain second = chain(file, capacity, 1);
        if (first == null && second == null) {
            throw CheckpointJson.unreadable(source, "it is corrupted: neither of its two copies passes its checksum");
        }
        if (first == null) {
            return second;
        }
        return second == null || first.lastSeq() > second.lastSeq() ? first : second;
    }

    private static byte[] frame(long seq, byte kind, byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(FRAME_BYTES + payload.length);
        out.putInt(payload.length).putLong(seq).put(kind);
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, FRAME_BYTES - 4);
        crc.update(payload);
        out.putInt((int) crc.getValue()).put(payload);
        return out.array();
    }
}
