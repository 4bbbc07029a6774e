package io.upgradesdk.upgrade;

import io.upgradesdk.upgrade.internal.FileChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * File channels for the file store that log every write and force ("write NAME BYTES", "force
 * NAME"), and, once armed with a byte budget, crash mid-write: the write that exceeds the budget
 * puts only the bytes left in it on disk and throws, as does every write or force after it. They
 * also log every positional read ("read NAME BYTES at POSITION", apart from the write log), and
 * can move at most a few bytes per call, as a channel may: a short read or write that is not
 * continued loses or misplaces data.
 */
final class RecordingChannels implements FileChannels {

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<String> reads = Collections.synchronizedList(new ArrayList<>());
    private long budget = Long.MAX_VALUE;
    private int bytesPerCall = Integer.MAX_VALUE;
    private int mutexRefusals;
    private boolean crashed;

    List<String> log() {
        return List.copyOf(log);
    }

    void clearLog() {
        log.clear();
    }

    /** The positional reads since the last {@link #clearReads()}: "read NAME BYTES at POSITION", BYTES as asked. */
    List<String> reads() {
        return List.copyOf(reads);
    }

    void clearReads() {
        reads.clear();
    }

    /** From now on every read and write moves at most {@code bytes} bytes and returns that short count. */
    void limitEachCallTo(int bytes) {
        bytesPerCall = bytes;
    }

    /**
     * The next {@code attempts} tries to lock the mutex (byte {@link FileCheckpointStore#MUTEX_POSITION}
     * of the lock file) find it held by another process, as {@link FileChannel#tryLock} reports that:
     * null. {@link Integer#MAX_VALUE}: for ever.
     */
    void mutexHeldByAnotherProcessFor(int attempts) {
        mutexRefusals = attempts;
    }

    private synchronized boolean refuseMutex(long position) {
        if (position != FileCheckpointStore.MUTEX_POSITION || mutexRefusals <= 0) {
            return false;
        }
        if (mutexRefusals != Integer.MAX_VALUE) {
            mutexRefusals--;
        }
        return true;
    }

    /** {@code buffer} limited to what one call may move; the caller restores the limit. */
    private ByteBuffer shortened(ByteBuffer buffer) {
        if (buffer.remaining() > bytesPerCall) {
            buffer.limit(buffer.position() + bytesPerCall);
        }
        return buffer;
    }

    /** From now on, at most {@code bytes} more bytes reach the disk; the write that would pass that crashes. */
    void crashAfter(long bytes) {
        budget = bytes;
    }

    boolean crashed() {
        return crashed;
    }

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        return new Recording(FileChannel.open(path, options), path.getFileName().toString());
    }

    private synchronized int allow(String name, int wanted, long position) throws IOException {
        if (crashed) {
            throw new IOException("simulated crash: the process is gone");
        }
        if (wanted > budget) {
            crashed = true;
            return (int) budget;
        }
        budget -= wanted;
        log.add("write " + name + " " + wanted + (position < 0 ? "" : " at " + position));
        return wanted;
    }

    private final class Recording extends FileChannel {
        private final FileChannel delegate;
        private final String name;

        Recording(FileChannel delegate, String name) {
            this.delegate = delegate;
            this.name = name;
        }

        private int tornWrite(ByteBuffer whole, long position, boolean positional) throws IOException {
            int limit = whole.limit();
            try {
                return tornWritePart(shortened(whole), position, positional);
            } finally {
                whole.limit(limit);
            }
        }

        private int tornWritePart(ByteBuffer source, long position, boolean positional) throws IOException {
            int wanted = source.remaining();
            int allowed = allow(name, wanted, positional ? position : -1);
            ByteBuffer part = source.duplicate();
            part.limit(part.position() + allowed);
            int written = 0;
            while (part.hasRemaining()) {
                written += positional ? delegate.write(part, position + written) : delegate.write(part);
            }
            source.position(source.position() + written);
            if (allowed < wanted) {
                throw new IOException("simulated crash after " + allowed + " of " + wanted + " bytes");
            }
            return written;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return tornWrite(src, 0, false);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return tornWrite(src, position, true);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += write(srcs[i]);
            }
            return total;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (crashed) {
                throw new IOException("simulated crash: the process is gone");
            }
            delegate.force(metaData);
            log.add("force " + name);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int limit = dst.limit();
            try {
                return delegate.read(shortened(dst));
            } finally {
                dst.limit(limit);
            }
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            reads.add("read " + name + " " + dst.remaining() + " at " + position);
            int limit = dst.limit();
            try {
                return delegate.read(shortened(dst), position);
            } finally {
                dst.limit(limit);
            }
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            throw new UnsupportedOperationException("not used by the file store");
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new UnsupportedOperationException("not used by the file store");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new UnsupportedOperationException("not used by the file store");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            if (refuseMutex(position)) {
                return null;
            }
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }
}
