package io.upgradesdk.upgrade.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How the file store opens the channels it reads, writes and forces the checkpoint file (and its
 * temporary file and directory) through. The store uses {@link #SYSTEM}; a test passes one whose
 * channels record when data is forced, or tear a write at a chosen byte as a crash would.
 */
@FunctionalInterface
public interface FileChannels {

    /** The file system's own channels. */
    FileChannels SYSTEM = (path, options) -> FileChannel.open(path, options);

    /** Opens {@code path} as {@link FileChannel#open(Path, OpenOption...)} does. */
    FileChannel open(Path path, OpenOption... options) throws IOException;
}
