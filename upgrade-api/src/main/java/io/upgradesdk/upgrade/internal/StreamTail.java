package io.upgradesdk.upgrade.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Drains one output stream of a process on its own daemon thread until end of stream, keeping only
 * its last {@code limit} bytes (a ring buffer) and counting the rest, so a process that floods its
 * output neither blocks on a full pipe nor fills the heap. Its lines may also go, as they are
 * read, to a {@link LineSplitter}.
 */
public final class StreamTail {

    private final byte[] ring;
    private final CountDownLatch ended = new CountDownLatch(1);
    private long total;

    private StreamTail(int limit) {
        this.ring = new byte[limit];
    }

    /** Starts draining {@code in} on a daemon thread named {@code name}. */
    public static StreamTail drain(InputStream in, int limit, String name) {
        return drain(in, limit, name, null);
    }

    /**
     * Starts draining {@code in} on a daemon thread named {@code name}, handing what it reads to
     * {@code lines} too (on that thread) unless it is null.
     */
    public static StreamTail drain(InputStream in, int limit, String name, LineSplitter lines) {
        StreamTail tail = new StreamTail(limit);
        Thread reader = new Thread(() -> tail.readToEnd(in, lines), name);
        reader.setDaemon(true);
        reader.start();
        return tail;
    }

    /** Waits up to {@code millis} for the end of the stream; true when it was reached. */
    public boolean awaitEnd(long millis) throws InterruptedException {
        return ended.await(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    /** Bytes read so far, kept or not. */
    public synchronized long totalBytes() {
        return total;
    }

    /** The last bytes read (at most the limit), decoded as UTF-8. */
    public synchronized String text() {
        int kept = (int) Math.min(total, ring.length);
        byte[] copy = new byte[kept];
        int start = (int) ((total - kept) % Math.max(1, ring.length));
        for (int i = 0; i < kept; i++) {
            copy[i] = ring[(start + i) % ring.length];
        }
        return new String(copy, StandardCharsets.UTF_8);
    }

    private void readToEnd(InputStream in, LineSplitter lines) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                append(buffer, n);
                if (lines != null) {
                    lines.feed(buffer, n);
                }
            }
        } catch (IOException e) {
            // the pipe broke (the process was killed): what was read is kept
        } finally {
            if (lines != null) {
                lines.end();
            }
            ended.countDown();
        }
    }

    private synchronized void append(byte[] buffer, int n) {
        if (ring.length > 0) {
            int from = Math.max(0, n - ring.length);
            for (int i = from; i < n; i++) {
                ring[(int) ((total + i) % ring.length)] = buffer[i];
            }
        }
        total += n;
    }
}
