package io.upgradesdk.samples.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.PlannedAction;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The demo's upgrade: a folder of v1 JSON service configs ({@code v1/*.json}: host, port,
 * timeout "30s", logLevel) becomes a v2 layout ({@code v2/*.json}: server.address,
 * timeouts.requestMillis, logging.level). The v1 folder is retired in the FINISH phase.
 */
public final class ConfigFolderUpgrade {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final Duration delayPerFile;
    private final FileSaved afterEachFile;

    /** Told after each converted file whose cursor is saved (the demo's child JVM waits there to be killed). */
    @FunctionalInterface
    public interface FileSaved {
        void saved(int filesDone, String fileName) throws Exception;
    }

    /**
     * @param root          the folder holding {@code v1/} (and, once converted, {@code v2/})
     * @param delayPerFile  a pause per file, so the demo can be watched and interrupted
     * @param afterEachFile told after each converted file, once its cursor is saved
     */
    public ConfigFolderUpgrade(Path root, Duration delayPerFile, FileSaved afterEachFile) {
        this.root = root;
        this.delayPerFile = delayPerFile;
        this.afterEachFile = afterEachFile;
    }

    public ConfigFolderUpgrade(Path root, Duration delayPerFile) {
        this(root, delayPerFile, (done, name) -> { });
    }

    public UpgradePlan plan() {
        return UpgradePlan.builder("demo-config-v1-to-v2")
                .step(UpgradeStep.builder("validate-v1").description("check every v1 file parses and has host/port")
                        .execute(ctx -> validate())
                        .dryRun(ctx -> List.of(PlannedAction.of("validate", v1().toString(),
                                Map.of("files", String.valueOf(v1Files().size())))))
                        .build())
                .step(UpgradeStep.builder("convert-files").description("write each v1 file as v2 into v2/")
                        .execute(this::convert)
                        .dryRun(ctx -> v1Files().stream().map(f -> PlannedAction.of("convert",
                                f.getFileName() + " -> v2/" + f.getFileName())).toList())
                        .compensation(ctx -> deleteFolder(v2()))
                        .build())
                .step(UpgradeStep.builder("verify-v2").description("check v2/ holds one valid file per v1 file")
                        .execute(ctx -> verify())
                        .build())
                .step(UpgradeStep.builder("retire-v1").description("delete the v1/ folder")
                        .phase(Phase.FINISH).pointOfNoReturn()
                        .execute(ctx -> deleteFolder(v1()))
                        .dryRun(ctx -> List.of(PlannedAction.of("delete", v1().toString())))
                        .build())
                .build();
    }

    /** Writes sample v1 files when the folder has none (first run of the demo). */
    public int seedIfEmpty(int count) throws IOException {
        if (Files.isDirectory(v1()) || Files.isDirectory(v2())) {
            return 0;
        }
        Files.createDirectories(v1());
        for (int i = 1; i <= count; i++) {
            ObjectNode config = JSON.createObjectNode();
            config.put("host", "svc-" + i + ".internal");
            config.put("port", 8000 + i);
            config.put("timeout", (10 + i) + "s");
            config.put("logLevel", i % 3 == 0 ? "debug" : "warn");
            JSON.writerWithDefaultPrettyPrinter().writeValue(v1().resolve(String.format("service-%02d.json", i))
                    .toFile(), config);
        }
        return count;
    }

    private void validate() throws IOException {
        for (Path file : v1Files()) {
            JsonNode node = JSON.readTree(file.toFile());
            if (!node.hasNonNull("host") || !node.hasNonNull("port")) {
                throw new IllegalStateException(file + " has no host or port; fix it or remove it, then run again");
            }
        }
    }

    private void convert(StepContext ctx) throws Exception {
        List<Path> files = v1Files();
        String after = ctx.cursor().orElse("");
        Files.createDirectories(v2());
        int done = 0;
        for (Path file : files) {
            String name = file.getFileName().toString();
            done++;
            if (name.compareTo(after) <= 0) {
                continue;
            }
            Thread.sleep(delayPerFile.toMillis());
            writeAtomically(v2().resolve(name), toV2(JSON.readTree(file.toFile())));
            ctx.saveCursor(name);
            ctx.progress(done, files.size(), name);
            afterEachFile.saved(done, name);
        }
    }

    static ObjectNode toV2(JsonNode v1) {
        ObjectNode v2 = JSON.createObjectNode();
        v2.putObject("server").put("address", v1.path("host").asText() + ":" + v1.path("port").asInt());
        String timeout = v1.path("timeout").asText("30s");
        v2.putObject("timeouts").put("requestMillis", Duration.parse("PT" + timeout.toUpperCase()).toMillis());
        v2.putObject("logging").put("level", v1.path("logLevel").asText("info").toUpperCase());
        v2.put("schemaVersion", 2);
        return v2;
    }

    private void verify() throws IOException {
        for (Path file : v1Files()) {
            Path converted = v2().resolve(file.getFileName());
            if (!Files.exists(converted) || JSON.readTree(converted.toFile()).path("schemaVersion").asInt() != 2) {
                throw new IllegalStateException(converted + " is missing or not v2; run up again to convert it");
            }
        }
    }

    private static void writeAtomically(Path target, JsonNode content) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), content);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void deleteFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(folder);
    }

    private List<Path> v1Files() throws IOException {
        if (!Files.isDirectory(v1())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(v1())) {
            return new ArrayList<>(files.filter(f -> f.toString().endsWith(".json")).sorted().toList());
        }
    }

    private Path v1() {
        return root.resolve("v1");
    }

    private Path v2() {
        return root.resolve("v2");
    }
}
