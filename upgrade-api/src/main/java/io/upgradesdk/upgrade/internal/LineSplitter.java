package io.upgradesdk.upgrade.internal;

import java.nio.charset.StandardCharsets;

/**
 * Cuts a byte stream into lines as it is read, in bounded memory: each line ending in {@code \n}
 * (a {@code \r} before it dropped) goes to the sink as soon as it is complete, decoded as UTF-8. A
 * line longer than the limit goes to the sink when it reaches the limit, marked as cut (without a
 * character the cut split), and the rest of it up to its end is dropped; the last line goes at the
 * end of the stream even without a line end. Used by one thread at a time.
 */
public final class LineSplitter {

    /** Where the lines go. */
    @FunctionalInterface
    public interface Sink {
        /** One line without its line end; {@code cut} when it was longer than the limit (its start only). */
        void line(String text, boolean cut);
    }

    private final byte[] line;
    private final Sink sink;
    private int length;
    /** True after a cut, until the cut line's end: its bytes are dropped. */
    private boolean skipping;

    /** Lines of at most {@code limitBytes} bytes go whole to {@code sink}. */
    public LineSplitter(int limitBytes, Sink sink) {
        this.line = new byte[Math.max(1, limitBytes)];
        this.sink = sink;
    }

    /** The next {@code n} bytes of the stream. */
    public void feed(byte[] bytes, int n) {
        for (int i = 0; i < n; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                endLine();
            } else if (!skipping) {
                if (length == line.length) {
                    emit(true);
                    skipping = true;
                } else {
                    line[length++] = b;
                }
            }
        }
    }

    /** The end of the stream: a last line without a line end goes to the sink. */
    public void end() {
        if (length > 0 && !skipping) {
            emit(false);
        }
    }

    private void endLine() {
        if (skipping) {
            skipping = false;
        } else {
            emit(false);
        }
    }

    private void emit(boolean cut) {
        int end = cut ? wholeCharacters(line, length) : length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        String text = new String(line, 0, end, StandardCharsets.UTF_8);
        length = 0;
        sink.line(text, cut);
    }

    /**
     * The length of {@code bytes}' first {@code length} bytes without a UTF-8 character that the
     * cut split (its first bytes are there, not its last): decoded, it would be a replacement
     * character, behind which the start of a secret would not be recognised.
     */
    static int wholeCharacters(byte[] bytes, int length) {
        int start = length - 1;
        while (start >= 0 && length - start <= 4 && (bytes[start] & 0xC0) == 0x80) {
            start--;       // continuation bytes: back to the character's first byte
        }
        if (start < 0) {
            return length;
        }
        int lead = bytes[start] & 0xFF;
        int size = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return start + size > length ? start : length;
    }
}
