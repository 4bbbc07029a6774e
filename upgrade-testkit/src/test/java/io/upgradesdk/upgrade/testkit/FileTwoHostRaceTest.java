package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.testkit.twohost.HostStoreFactory;
import io.upgradesdk.upgrade.testkit.twohost.TwoHostRaceContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Tag;

/**
 * Two host JVMs racing for one plan in one checkpoint file: each sees the other's in-place slot
 * writes at once (the content is identified by the slots' sequence numbers, not by file times).
 */
@Tag("crash")
class FileTwoHostRaceTest extends TwoHostRaceContract {

    @Override
    protected Class<? extends HostStoreFactory> storeFactory() {
        return FileHostStoreFactory.class;
    }

    @Override
    protected Map<String, String> storeSettings() {
        try {
            return Map.of("file", Files.createTempDirectory("file-race").resolve("race.checkpoint.json").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
