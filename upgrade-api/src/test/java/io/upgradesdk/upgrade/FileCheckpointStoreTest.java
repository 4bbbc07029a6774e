package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.internal.CheckpointFile;
import io.upgradesdk.upgrade.internal.CheckpointLog;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to the file store; the shared rules are in upgrade-testkit's contract suite. */
class FileCheckpointStoreTest {

    @TempDir
    Path directory;

    private Path file() {
        return directory.resolve("upgrade.checkpoint.json");
    }

    private UpgradePlan plan() {
        return UpgradePlan.builder("plan").step(UpgradeStep.builder("a").execute(ctx -> { }).build()).build();
    }

    @Test
    void aCorruptedFileNamesThePathAndTheFixAndIsNotOverwritten() throws Exception {
        Files.writeString(file(), "{\"format\": \"upgrade-sdk/checkpoint-file\", \"plans\": {");
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            assertThatThrownBy(() -> store.load("plan"))
                    .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.CHECKPOINT_UNREADABLE))
                    .hasMessageContaining(file().toString())
                    .hasMessageContaining("corrupted")
                    .hasMessageContaining("delete it to start the plan over");
            assertThatThrownBy(() -> store.acquireLease("plan", "host", Duration.ofSeconds(10)))
                    .isInstanceOf(UpgradeException.class);
        }
        assertThat(file()).hasContent("{\"format\": \"upgrade-sdk/checkpoint-file\", \"plans\": {");
    }

    @Test
    void aForeignJsonFileIsRefused() throws Exception {
        Files.writeString(file(), "{\"name\": \"my-app\", \"version\": \"1.0.0\"}");
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            assertThatThrownBy(() -> store.load("plan"))
                    .hasMessageContaining("not an upgrade-sdk checkpoint file")
                    .hasMessageContaining(file().toString());
        }
    }

    @Test
    void aMissingDirectoryIsReportedAtConstruction() {
        assertThatThrownBy(() -> new FileCheckpointStore(directory.resolve("nope").resolve("c.json")))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                .hasMessageContaining("does not exist");
    }

    @Test
    void writesLeaveOnlyTheFileAndItsLockBehind() throws Exception {
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            UpgradeRunner.builder().store(store).build().up(plan());
        }
        try (var files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("upgrade.checkpoint.json", "upgrade.checkpoint.json.lock");
        }
        assertThat(Files.readString(file(), StandardCharsets.ISO_8859_1)).contains("\"format\":\"upgrade-sdk/checkpoint-file\"");
    }

    @Test
    void aLaterStoreInstanceSeesTheCompletedRun() {
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            UpgradeRunner.builder().store(store).build().up(plan());
        }
        try (FileCheckpointStore reopened = new FileCheckpointStore(file())) {
            assertThat(UpgradeRunner.builder().store(reopened).build().status(plan()).isComplete()).isTrue();
        }
    }

    @Test
    void changesAppendInPlaceKeepingTheFilesInodeAndSize() throws Exception {
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            Lease lease = store.acquireLease("plan", "host", Duration.ofSeconds(10));
            Object inode = Files.readAttributes(file(), BasicFileAttributes.class).fileKey();
            long size = Files.size(file());
            for (int i = 0; i < 5; i++) {
                lease = store.renewLease(lease, Duration.ofSeconds(10 + i));
                assertThat(Files.readAttributes(file(), BasicFileAttributes.class).fileKey()).isEqualTo(inode);
                assertThat(Files.size(file())).isEqualTo(size);
            }
            assertThat(store.currentLease("plan")).contains(lease);
        }
        assertThat(Files.readString(file(), StandardCharsets.ISO_8859_1))
                .startsWith("{\"format\":\"upgrade-sdk/checkpoint-log\"")
                .contains("\"format\":\"upgrade-sdk/checkpoint-file\"");
    }

    /** Leases of the two-instance tests: 300 saves with compactions took over 10 s at load 40. */
    private static final Duration OUTLASTS_A_LOADED_MACHINE = Duration.ofMinutes(10);

    @Test
    void anotherInstanceSeesAnInPlaceChangeEvenWhenTheFileTimeDidNotMove() throws Exception {
        FileTime coarse = FileTime.fromMillis(1_700_000_000_000L);
        try (FileCheckpointStore writer = new FileCheckpointStore(file());
                FileCheckpointStore reader = new FileCheckpointStore(file())) {
            Lease lease = writer.acquireLease("plan", "host", OUTLASTS_A_LOADED_MACHINE);
            Files.setLastModifiedTime(file(), coarse);
            assertThat(reader.currentLease("plan")).contains(lease);

            writer.releaseLease(lease);
            Files.setLastModifiedTime(file(), coarse);
            assertThat(reader.currentLease("plan")).isEmpty();

            Lease again = writer.acquireLease("plan", "host", OUTLASTS_A_LOADED_MACHINE);
            Checkpoint saved = steps(Checkpoint.start(plan(), NOW), 1, "x");
            writer.save(saved, again);
            assertThat(reader.load("plan")).contains(saved);
        }
    }

    @Test
    void anotherInstanceSeesTheChangesOfACompactionAndOfAppendsAfterIt() {
        UpgradePlan plan = numberedPlan(50);
        Checkpoint checkpoint = Checkpoint.start(plan, NOW);
        try (FileCheckpointStore writer = new FileCheckpointStore(file());
                FileCheckpointStore reader = new FileCheckpointStore(file())) {
            Lease lease = writer.acquireLease(plan.id(), "host", OUTLASTS_A_LOADED_MACHINE);
            for (int i = 0; i < 300; i++) {
                checkpoint = steps(checkpoint, i % 50, "cursor-" + i + "-" + "x".repeat(300));
                writer.save(checkpoint, lease);
                if (i % 7 == 0) {
                    assertThat(reader.load(plan.id())).contains(checkpoint);
                }
            }
            assertThat(reader.load(plan.id())).contains(checkpoint);
        }
        try (FileCheckpointStore fresh = new FileCheckpointStore(file())) {
            assertThat(fresh.load(plan.id())).as("read whole after several compactions").contains(checkpoint);
        }
    }

    @Test
    void aTornChangeRecordFallsBackToThePreviousState() throws Exception {
        Lease lease;
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            lease = store.acquireLease("plan", "host", Duration.ofSeconds(10));
            byte[] before = Files.readAllBytes(file());
            store.renewLease(lease, Duration.ofSeconds(30));
            byte[] after = Files.readAllBytes(file());
            Files.write(file(), tornBetween(before, after, firstDifference(before, after) + 5));
        }
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            assertThat(store.currentLease("plan")).contains(lease);
            store.forceReleaseLease("plan");
            assertThat(store.currentLease("plan")).isEmpty();
        }
        try (FileCheckpointStore reopened = new FileCheckpointStore(file())) {
            assertThat(reopened.currentLease("plan")).isEmpty();
        }
    }

    @Test
    void aChangeRecordTornAtAnyByteLeavesThePreviousState() throws Exception {
        UpgradePlan plan = numberedPlan(20);
        Checkpoint previous;
        Checkpoint next;
        byte[] before;
        byte[] after;
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            Lease lease = store.acquireLease(plan.id(), "host", Duration.ofSeconds(10));
            previous = steps(Checkpoint.start(plan, NOW), 3, "first");
            store.save(previous, lease);
            before = Files.readAllBytes(file());
            next = steps(previous, 4, "second");
            store.save(next, lease);
            after = Files.readAllBytes(file());
        }
        int first = firstDifference(before, after);
        int last = lastDifference(before, after);
        assertThat(last - first).as("one change record").isBetween(100, 2000);
        Files.write(file(), before);
        try (FileChannel disk = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            for (int tornAt = first; tornAt <= last; tornAt++) {
                disk.write(ByteBuffer.wrap(after, tornAt - 1, 1), tornAt - 1); // the file is now torn at tornAt
                try (FileCheckpointStore store = new FileCheckpointStore(file())) {
                    assertThat(store.load(plan.id())).as("torn at byte %d", tornAt).contains(previous);
                }
            }
        }
        Files.write(file(), tornBetween(before, after, last + 1));
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            assertThat(store.load(plan.id())).contains(next);
        }
    }

    @Test
    void aSaveAfterATornRecordOverwritesItAndLasts() throws Exception {
        UpgradePlan plan = numberedPlan(5);
        Checkpoint previous = steps(Checkpoint.start(plan, NOW), 1, "first");
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            Lease lease = store.acquireLease(plan.id(), "host", Duration.ofMinutes(10));
            store.save(previous, lease);
            byte[] before = Files.readAllBytes(file());
            store.save(steps(previous, 2, "lost in the crash"), lease);
            byte[] after = Files.readAllBytes(file());
            Files.write(file(), tornBetween(before, after, (firstDifference(before, after) + lastDifference(before, after)) / 2));
        }
        Checkpoint resumed = steps(previous, 3, "after the crash");
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            store.forceReleaseLease(plan.id());
            Lease lease = store.acquireLease(plan.id(), "host", Duration.ofMinutes(10));
            assertThat(store.load(plan.id())).contains(previous);
            store.save(resumed, lease);
        }
        try (FileCheckpointStore reopened = new FileCheckpointStore(file())) {
            assertThat(reopened.load(plan.id())).contains(resumed);
        }
    }

    @Test
    void aCompactionTornOrCorruptedAnywhereLeavesThePreviousState() throws Exception {
        UpgradePlan plan = numberedPlan(40);
        Checkpoint checkpoint = Checkpoint.start(plan, NOW);
        Checkpoint previous;
        byte[] before;
        byte[] after;
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            Lease lease = store.acquireLease(plan.id(), "host", Duration.ofMinutes(10));
            store.save(checkpoint, lease);
            while (true) {
                previous = checkpoint;
                before = Files.readAllBytes(file());
                checkpoint = steps(checkpoint, checkpoint.revision() % 40, "cursor-" + checkpoint.revision());
                store.save(checkpoint, lease);
                after = Files.readAllBytes(file());
                if (CheckpointLog.newest(after, "test").area() != CheckpointLog.newest(before, "test").area()) {
                    break; // this save wrote a new base in the other area
                }
                assertThat(checkpoint.revision()).as("saves before the first compaction").isLessThan(2000);
            }
        }
        int first = firstDifference(before, after);
        int last = lastDifference(before, after);
        for (int tornAt = first; tornAt <= last; tornAt += Math.max(1, (last - first) / 200)) {
            Files.write(file(), tornBetween(before, after, tornAt));
            try (FileCheckpointStore store = new FileCheckpointStore(file())) {
                assertThat(store.load(plan.id())).as("compaction torn at byte %d", tornAt).contains(previous);
            }
        }
        byte[] corrupted = after.clone();
        corrupted[(first + last) / 2] ^= 0x20;
        Files.write(file(), corrupted);
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            assertThat(store.load(plan.id())).as("new base corrupted").contains(previous);
        }
        Files.write(file(), after);
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            assertThat(store.load(plan.id())).as("compaction complete").contains(checkpoint);
        }
    }

    @Test
    void theBytesOneSaveChangesDoNotGrowWithTheNumberOfSteps() throws Exception {
        int small = changedBytesPerSave(numberedPlan(100));
        int large = changedBytesPerSave(numberedPlan(3000));
        assertThat(small).isPositive();
        assertThat(large).as("bytes changed by one save of a 3,000-step plan vs a 100-step plan (%d)", small)
                .isLessThanOrEqualTo(small + 64);
    }

    /** The most bytes between the first and last changed byte over a few one-step saves after the plan ran. */
    private int changedBytesPerSave(UpgradePlan plan) throws Exception {
        Path path = directory.resolve(plan.id() + ".checkpoint");
        int most = 0;
        try (FileCheckpointStore store = new FileCheckpointStore(path)) {
            Lease lease = store.acquireLease(plan.id(), "host", Duration.ofMinutes(10));
            Checkpoint checkpoint = Checkpoint.start(plan, NOW);
            for (int i = 0; i < plan.steps().size(); i++) {
                checkpoint = checkpoint.withStep(checkpoint.step("step-" + i).finished(StepState.SUCCEEDED, NOW, null), NOW);
            }
            store.save(checkpoint, lease);
            for (int i = 0; i < 5; i++) {
                byte[] before = Files.readAllBytes(path);
                checkpoint = steps(checkpoint, i, "c" + i);
                store.save(checkpoint, lease);
                byte[] after = Files.readAllBytes(path);
                assertThat(after).hasSameSizeAs(before);
                most = Math.max(most, lastDifference(before, after) - firstDifference(before, after) + 1);
            }
        }
        return most;
    }

    @Test
    void aFileWithBothAreasDamagedIsUnreadableAndNotOverwritten() throws Exception {
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            store.acquireLease("plan", "host", Duration.ofSeconds(10));
        }
        byte[] bytes = Files.readAllBytes(file());
        int capacity = CheckpointLog.capacity(bytes);
        for (int area = 0; area < 2; area++) {
            int at = (int) CheckpointLog.areaOffset(capacity, area) + CheckpointLog.FRAME_BYTES + 10;
            for (int i = 0; i < 16; i++) {
                bytes[at + i] = (byte) '#';
            }
        }
        Files.write(file(), bytes);
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            assertThatThrownBy(() -> store.load("plan"))
                    .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.CHECKPOINT_UNREADABLE))
                    .hasMessageContaining(file().toString())
                    .hasMessageContaining("neither of its two copies")
                    .hasMessageContaining("delete it to start the plan over");
            assertThatThrownBy(() -> store.acquireLease("plan", "host", Duration.ofSeconds(10)))
                    .isInstanceOf(UpgradeException.class);
        }
        assertThat(Files.readAllBytes(file())).isEqualTo(bytes);
    }

    @Test
    void contentWhoseBaseOutgrowsHalfAnAreaIsRewrittenIntoLargerAreas() throws Exception {
        UpgradePlan.Builder big = UpgradePlan.builder("big");
        for (int i = 0; i < 600; i++) {
            big.step(UpgradeStep.builder("step-with-a-long-enough-name-" + i).execute(ctx -> ctx.saveCursor("x".repeat(40)))
                    .build());
        }
        UpgradePlan plan = big.build();
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            store.acquireLease("other", "host", Duration.ofSeconds(10));
            long before = Files.size(file());
            Lease lease = store.acquireLease(plan.id(), "host", Duration.ofSeconds(10));
            Checkpoint done = Checkpoint.start(plan, NOW);
            for (UpgradeStep step : plan.steps()) {
                done = done.withStep(done.step(step.id()).withCursor("x".repeat(40)).finished(StepState.SUCCEEDED, NOW,
                        null), NOW);
            }
            store.save(done, lease);
            assertThat(Files.size(file())).isGreaterThan(before);
        }
        try (FileCheckpointStore reopened = new FileCheckpointStore(file())) {
            assertThat(UpgradeRunner.builder().store(reopened).build().status(plan).isComplete()).isTrue();
            assertThat(reopened.currentLease("other")).isPresent();
        }
    }

    @Test
    void aFileInTheTwoSlotLayoutOfTheLastVersionIsReadAndConvertedAtTheNextChange() throws Exception {
        legacyFileIsReadAndConverted("checkpoint-slots-v1.json");
    }

    @Test
    void aFileInTheEarlierSingleDocumentLayoutIsReadAndConvertedAtTheNextChange() throws Exception {
        legacyFileIsReadAndConverted("checkpoint-document-v1.json");
    }

    /** Files written by the store of the two-slot version (the document one is what it converted). */
    private void legacyFileIsReadAndConverted(String resource) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("legacy/" + resource)) {
            Files.copy(in, file());
        }
        Checkpoint expected = legacyCheckpoint();
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            assertThat(store.load("legacy-plan")).contains(expected);
            assertThat(store.load("legacy-plan").orElseThrow().step("copy-documents").cursor())
                    .isEqualTo("{\"after\":\"doc-41\"}");
            assertThat(store.currentLease("other-plan")).hasValueSatisfying(l -> assertThat(l.owner()).isEqualTo("host-b"));
            assertThat(store.currentLease("legacy-plan")).isEmpty();
            Lease lease = store.acquireLease("legacy-plan", "host", Duration.ofSeconds(10));
            assertThat(lease.token()).as("fencing tokens go on from the old file's").isEqualTo(2);
        }
        assertThat(CheckpointLog.isLog(Files.readAllBytes(file()))).isTrue();
        try (FileCheckpointStore reopened = new FileCheckpointStore(file())) {
            assertThat(reopened.load("legacy-plan")).contains(expected);
            assertThat(reopened.currentLease("legacy-plan")).isPresent();
            assertThat(reopened.load("other-plan").orElseThrow().step("only").state()).isEqualTo(StepState.SUCCEEDED);
        }
    }

    private static Checkpoint legacyCheckpoint() {
        Instant t = Instant.parse("2026-11-30T01:00:00Z");
        return new Checkpoint("legacy-plan", "fp-1234", 7, t.plusSeconds(6), List.of(
                new StepRecord("create-index", StepState.SUCCEEDED, 1, null, t, t.plusSeconds(2), null),
                new StepRecord("copy-documents", StepState.RUNNING, 2, "{\"after\":\"doc-41\"}", t.plusSeconds(3),
                        null, null),
                new StepRecord("switch-alias", StepState.FAILED, 1, null, t.plusSeconds(4), t.plusSeconds(5),
                        "alias busy")),
                List.of(new AuditEntry(t.plusSeconds(6), "ops", "retry", "switch-alias", "alias freed")));
    }

    @Test
    void theMainMethodPrintsTheCurrentContentAsOneJsonDocument() throws Exception {
        UpgradePlan plan = numberedPlan(3);
        Checkpoint saved = steps(Checkpoint.start(plan, NOW), 1, "printed");
        try (FileCheckpointStore store = new FileCheckpointStore(file())) {
            store.save(saved, store.acquireLease(plan.id(), "host", Duration.ofSeconds(10)));
            store.save(steps(saved, 2, "printed too"), store.currentLease(plan.id()).orElseThrow());
        }
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            FileCheckpointStore.main(new String[] {file().toString()});
        } finally {
            System.setOut(original);
        }
        String json = printed.toString(StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\"format\":\"upgrade-sdk/checkpoint-file\"").contains("\"printed too\"");
        assertThat(CheckpointFile.parse(json.getBytes(StandardCharsets.UTF_8), "printed").entry(plan.id()).checkpoint()
                .step("step-2").cursor()).isEqualTo("printed too");
    }

    private static final Instant NOW = Instant.parse("2026-11-30T02:00:00Z");

    private static UpgradePlan numberedPlan(int steps) {
        UpgradePlan.Builder builder = UpgradePlan.builder("plan-" + steps);
        for (int i = 0; i < steps; i++) {
            builder.step(UpgradeStep.builder("step-" + i).execute(ctx -> { }).build());
        }
        return builder.build();
    }

    /** The checkpoint with step {@code step-N} running at {@code cursor}. */
    private static Checkpoint steps(Checkpoint checkpoint, long n, String cursor) {
        String id = checkpoint.steps().size() > n ? checkpoint.steps().get((int) n).stepId() : "step-" + n;
        return checkpoint.withStep(checkpoint.step(id).started(NOW).withCursor(cursor), NOW);
    }

    /** What a write of {@code after} over {@code before} torn at byte {@code at} leaves on disk. */
    private static byte[] tornBetween(byte[] before, byte[] after, int at) {
        assertThat(after).hasSameSizeAs(before);
        byte[] torn = before.clone();
        System.arraycopy(after, 0, torn, 0, at);
        return torn;
    }

    private static int firstDifference(byte[] before, byte[] after) {
        int i = 0;
        while (before[i] == after[i]) {
            i++;
        }
        return i;
    }

    private static int lastDifference(byte[] before, byte[] after) {
        int i = after.length - 1;
        while (before[i] == after[i]) {
            i--;
        }
        return i;
    }
}
