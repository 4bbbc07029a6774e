package io.upgradesdk.upgrade.kuzzle.internal;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kuzzle.KuzzleErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Reads a v1 rc file and writes its v2 conversion next to it (original kept). */
public final class KuzzlercFiles {

    private KuzzlercFiles() {
    }

    /** The default v2 file: {@code <v1 file>.v2} in the same directory. */
    public static Path defaultOutput(Path v1) {
        return v1.resolveSibling(v1.getFileName() + ".v2");
    }

    /** Converts without writing, for a target on Kuzzle's default Elasticsearch major. */
    public static KuzzlercConverter.Result read(Path v1) {
        return read(v1, 7);
    }

    /** Converts without writing, for a target cluster of {@code targetElasticsearchMajor}. */
    public static KuzzlercConverter.Result read(Path v1, int targetElasticsearchMajor) {
        try {
            return KuzzlercConverter.convert(v1.toString(), Files.readString(v1, StandardCharsets.UTF_8),
                    targetElasticsearchMajor);
        } catch (IOException e) {
            throw new UpgradeException(KuzzleErrorCode.CONFIG_CONFLICT, "cannot read the v1 configuration " + v1 + " ("
                    + e.getClass().getSimpleName() + "); check the path given as kuzzlerc and its permissions", e);
        }
    }

    /**
     * Converts and writes {@code output} (mode 0600 where supported, atomically). Returns true when
     * the file was written, false when it already held exactly this content. Refuses to replace a
     * different existing file unless {@code overwrite}.
     */
    public static boolean write(KuzzlercConverter.Result result, Path output, boolean overwrite) {
        String text = result.text();
        try {
            if (Files.exists(output)) {
                if (Files.readString(output, StandardCharsets.UTF_8).equals(text)) {
                    return false;
                }
                if (!overwrite) {
                    throw new UpgradeException(KuzzleErrorCode.CONFIG_CONFLICT, output + " exists with other content;"
                            + " move it away (or allow overwriting the v2 configuration) and run again");
                }
            }
            Path tmp = output.resolveSibling(output.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        } catch (IOException e) {
            throw new UpgradeException(KuzzleErrorCode.CONFIG_CONFLICT, "cannot write " + output + " ("
                    + e.getClass().getSimpleName() + "); check the directory's permissions", e);
        }
    }
}
