package io.upgradesdk.upgrade.crash;

import io.upgradesdk.upgrade.Confirmation;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

/**
 * A host process for {@link CrashRecoveryTest}: runs a plan with the file store and writes a
 * journal of what it did, so the parent can kill it at any moment and check the rerun.
 * Exit codes: 0 done, 3 lock held, 4 failed.
 */
public final class CrashingHost {

    static final int ITEMS = 40;

    private final Path work;
    private final long pid = ProcessHandle.current().pid();

    private CrashingHost(Path work) {
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        System.exit(new CrashingHost(Path.of(args[0])).run());
    }

    static UpgradePlan plan(CrashingHost host) {
        return UpgradePlan.builder("crash-test")
                .step(UpgradeStep.builder("marker-a").execute(ctx -> host.marker(ctx, "marker-a")).build())
                .step(UpgradeStep.builder("copy-items").execute(host::copyItems).build())
                .step(UpgradeStep.builder("marker-b").execute(ctx -> host.marker(ctx, "marker-b")).build())
                .step(UpgradeStep.builder("retire-source").phase(Phase.FINISH).pointOfNoReturn()
                        .execute(host::retireSource).build())
                .build();
    }

    private int run() throws IOException {
        UpgradeRunner runner = UpgradeRunner.builder()
                .store(new FileCheckpointStore(work.resolve("checkpoint.json")))
                .owner("crash-host/" + pid)
                .leaseDuration(Duration.ofSeconds(30))
                .confirmation(Confirmation.givenInAdvance())
                .build();
        try {
            UpgradeReport report = runner.run(plan(this));
            journal("exit " + report.outcome());
            return report.isSuccess() ? 0 : 4;
        } catch (UpgradeException e) {
            journal("refused " + e.code().id());
            return e.code() == UpgradeErrorCode.LOCK_HELD ? 3 : 4;
        }
    }

    private void marker(StepContext ctx, String name) throws Exception {
        journal("begin " + name + " -");
        Thread.sleep(15);
        Path marker = work.resolve("effects").resolve(name);
        if (!Files.exists(marker)) {
            Files.writeString(marker, "once");
        }
    }

    /** Appends each item to a ledger once: the resume reconciles a ledger written past the cursor. */
    private void copyItems(StepContext ctx) throws Exception {
        int cursor = ctx.cursor().map(Integer::parseInt).orElse(0);
        journal("begin copy-items " + cursor);
        Path ledger = work.resolve("effects").resolve("ledger");
        List<String> written = Files.exists(ledger) ? Files.readAllLines(ledger) : List.of();
        int last = written.isEmpty() ? 0 : Integer.parseInt(written.get(written.size() - 1).substring(5));
        for (int i = Math.max(cursor, last) + 1; i <= ITEMS; i++) {
            Thread.sleep(8);
            Files.writeString(ledger, "item " + i + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            ctx.saveCursor(String.valueOf(i));
            journal("cursor copy-items " + i);
        }
    }

    private void retireSource(StepContext ctx) throws Exception {
        journal("begin retire-source -");
        Thread.sleep(15);
        try (var files = Files.list(work.resolve("source"))) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private void journal(String line) throws IOException {
        Files.writeString(work.resolve("journal"), pid + " " + line + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
