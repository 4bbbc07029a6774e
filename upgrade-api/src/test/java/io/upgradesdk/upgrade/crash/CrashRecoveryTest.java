package io.upgradesdk.upgrade.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.StepRecord;
import io.upgradesdk.upgrade.StepState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a host JVM running a plan with {@code SIGKILL} at random moments, reruns it, and checks
 * from the host's journal and effects that no completed step ran again, every resumed step started
 * from its last durable cursor, and every effect was applied exactly once.
 */
@Tag("crash")
class CrashRecoveryTest {

    private static final int TRIALS = 20;
    private static final List<String> ORDER = List.of("marker-a", "copy-items", "marker-b", "retire-source");

    @TempDir
    Path temp;

    private final Random random = new Random(20261125L);
    private int killsAfterACursorSave;
    private int kills;

    @Test
    void killedRunsResumeAndApplyEveryEffectExactlyOnce() throws Exception {
        for (int trial = 0; trial < TRIALS; trial++) {
            runTrial(Files.createDirectories(temp.resolve("trial-" + trial)));
        }
        assertThat(kills).as("kills that hit a running host").isGreaterThanOrEqualTo(TRIALS);
        System.out.printf("crash test: %d trials, %d kills, %d of them mid-step after a cursor save%n", TRIALS, kills,
                killsAfterACursorSave);
        assertThat(killsAfterACursorSave).as("kills mid-step after a cursor save").isGreaterThanOrEqualTo(3);
    }

    private void runTrial(Path work) throws Exception {
        Files.createDirectories(work.resolve("effects"));
        Files.createDirectories(work.resolve("source"));
        for (int i = 0; i < 5; i++) {
            Files.writeString(work.resolve("source").resolve("config-" + i + ".json"), "{}");
        }
        int killsThisTrial = 1 + random.nextInt(3);
        for (int k = 0; k < killsThisTrial; k++) {
            int linesBefore = journalLines(work);
            Process host = start(work);
            // Kill at a random point of the host's own progress: after N more journal lines, plus jitter.
            int target = linesBefore + random.nextInt(CrashingHost.ITEMS + 6);
            while (host.isAlive() && journalLines(work) < target) {
                Thread.sleep(1);
            }
            Thread.sleep(random.nextInt(12));
            if (!host.isAlive()) {
                assertThat(host.exitValue()).as("host exit code (3 = lock held after a kill)").isZero();
                break;
            }
            host.destroyForcibly(); // SIGKILL
            host.waitFor();
            kills++;
        }
        Process last = start(work);
        assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).as("final run exit code; journal:%n%s", Files.readString(work.resolve("journal")))
                .isZero();
        verify(work);
    }

    private static int journalLines(Path work) throws java.io.IOException {
        Path journal = work.resolve("journal");
        return Files.exists(journal) ? Files.readAllLines(journal).size() : 0;
    }

    private Process start(Path work) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), CrashingHost.class.getName(), work.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("host.log").toFile()).start();
    }

    private void verify(Path work) throws Exception {
        // Effects: every item once, in order; markers written; the source retired.
        List<String> expectedLedger = IntStream.rangeClosed(1, CrashingHost.ITEMS).mapToObj(i -> "item " + i).toList();
        assertThat(Files.readAllLines(work.resolve("effects").resolve("ledger"))).isEqualTo(expectedLedger);
        assertThat(work.resolve("effects").resolve("marker-a")).hasContent("once");
        assertThat(work.resolve("effects").resolve("marker-b")).hasContent("once");
        try (var left = Files.list(work.resolve("source"))) {
            assertThat(left).isEmpty();
        }
        try (FileCheckpointStore store = new FileCheckpointStore(work.resolve("checkpoint.json"))) {
            assertThat(store.load("crash-test").orElseThrow().steps()).extracting(StepRecord::state)
                    .containsOnly(StepState.SUCCEEDED);
        }
        checkJournal(Files.readAllLines(work.resolve("journal")));
    }

    /** Per process, in order: where a killed host stopped, and where the next one started. */
    private void checkJournal(List<String> lines) {
        Map<String, List<String[]>> byProcess = new LinkedHashMap<>();
        for (String line : lines) {
            String[] parts = line.split(" ");
            byProcess.computeIfAbsent(parts[0], p -> new ArrayList<>()).add(parts);
        }
        List<List<String[]>> processes = new ArrayList<>(byProcess.values());
        for (int p = 0; p + 1 < processes.size(); p++) {
            List<String[]> killed = processes.get(p);
            List<String[]> next = processes.get(p + 1);
            String lastBegun = null;
            int lastCursor = 0;
            for (String[] entry : killed) {
                if (entry[1].equals("begin")) {
                    lastBegun = entry[2];
                } else if (entry[1].equals("cursor")) {
                    lastCursor = Integer.parseInt(entry[3]);
                }
            }
            String[] firstBegin = next.stream().filter(e -> e[1].equals("begin")).findFirst().orElse(null);
            if (lastBegun == null || firstBegin == null) {
                continue; // killed before any step, or the next host found nothing left to begin
            }
            int stoppedAt = ORDER.indexOf(lastBegun);
            int resumedAt = ORDER.indexOf(firstBegin[2]);
            assertThat(resumedAt).as("a rerun starts at the interrupted step or the one after it, never earlier")
                    .isBetween(stoppedAt, stoppedAt + 1);
            if (lastBegun.equals("copy-items") && firstBegin[2].equals("copy-items")) {
                int resumedFrom = Integer.parseInt(firstBegin[3]);
                assertThat(resumedFrom).as("resume cursor vs last cursor the killed host had saved")
                        .isBetween(lastCursor, lastCursor + 1);
                if (lastCursor > 0) {
                    killsAfterACursorSave++;
                }
            }
        }
    }
}
