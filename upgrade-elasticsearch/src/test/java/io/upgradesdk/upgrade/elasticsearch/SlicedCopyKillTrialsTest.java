package io.upgradesdk.upgrade.elasticsearch;

import static io.upgradesdk.upgrade.elasticsearch.SlicedCopyWorkerMain.PAGE;
import static io.upgradesdk.upgrade.elasticsearch.SlicedCopyWorkerMain.SLICES;
import static io.upgradesdk.upgrade.elasticsearch.SlicedCopyWorkerMain.STEP;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.testservers.PostgresServer;
import io.upgradesdk.testservers.RedisServer;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.PartitionState;
import io.upgradesdk.upgrade.PartitionStatus;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.testkit.KillTrials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof of issue 17: a 200,000-document 5.6 index (~1 KB documents, 8 primary shards) copied to
 * 7.17 in 8 slices by one plan worked by three workers at once (this JVM's run, which holds the
 * plan's lease, and two worker JVMs that {@code join} it) on a shared Redis or PostgreSQL store. In
 * every trial one worker JVM is SIGKILLed in the middle of a slice (after the slice saved at least
 * one cursor, before it is done); the other workers finish the copy, taking the slice over once its
 * 5 s claim expires. Each trial asserts: exactly 200,000 documents in the target; every document at
 * {@code _version} 1 except the ones the taker wrote again (re-read past the dead worker's last
 * saved cursor: at most one page, all from the killed slice, identical to the source, so
 * {@code _version} 2 and nothing higher); and a {@code PartitionTakenOver} of the killed slice
 * that resumes from its cursor. {@code -Dfault.trials=N} (default 10 per store), {@code -Dfault.seed=S}, {@code -Dfault.budgetMinutes=M}
 * (no new trial starts after M minutes of a series; the figures say how many ran).
 *
 * <p>On a loaded machine a live worker may also miss renewing a claim in time and lose its slice to
 * another worker; such a takeover must resume from the cursor too, and may rewrite at most one page
 * of its own slice. The figures count these extra takeovers.
 */
@Tag("integration")
@Tag("long")
class SlicedCopyKillTrialsTest {

    static final int DOCS = 200_000;
    private static final int LOAD_BATCH = 4000;
    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final Duration TRIAL_TIMEOUT = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ElasticsearchServer es5;
    private static ElasticsearchServer es7;
    private static ElasticsearchConnection v5;
    private static ElasticsearchConnection v7;
    private static String source;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadSourceOnce() {
        es5 = ElasticsearchServer.get(ElasticsearchServer.V5);
        es7 = ElasticsearchServer.get(ElasticsearchServer.V7);
        v5 = ElasticsearchConnection.open(ElasticsearchEndpoint.of(es5.url()));
        v7 = ElasticsearchConnection.open(ElasticsearchEndpoint.of(es7.url()));
        source = es5.newIndexPrefix("slicedkill") + "users";
        long started = System.nanoTime();
        v5.send("PUT", "/" + source, "{\"settings\":{\"number_of_shards\":" + SLICES + ",\"number_of_replicas\":0,"
                + "\"refresh_interval\":\"-1\"}}");
        String filler = filler();
        StringBuilder nd = new StringBuilder(LOAD_BATCH * 1100);
        for (int i = 0; i < DOCS; i++) {
            nd.append("{\"index\":{\"_index\":\"").append(source).append("\",\"_type\":\"user\",\"_id\":\"u").append(i)
                    .append("\"}}\n{\"n\":").append(i).append(",\"name\":\"user ").append(i).append("\",\"group\":\"g")
                    .append(i % 100).append("\",\"bio\":\"").append(i).append(' ').append(filler).append("\"}\n");
            if ((i + 1) % LOAD_BATCH == 0 || i == DOCS - 1) {
                JsonNode r = v5.sendNdjson("/_bulk", nd.toString());
                assertThat(r.path("errors").asBoolean()).as("bulk load errors").isFalse();
                nd.setLength(0);
            }
        }
        v5.send("PUT", "/" + source + "/_settings", "{\"index\":{\"refresh_interval\":\"1s\"}}");
        v5.send("POST", "/" + source + "/_refresh", null);
        assertThat(v5.send("GET", "/" + source + "/_count", null).path("count").asLong()).isEqualTo(DOCS);
        System.out.printf("[sliced-kill] loaded %d documents (~1 KB) into 5.6 %s, %d shards: %.1f s%n", DOCS, source,
                SLICES, (System.nanoTime() - started) / 1e9);
    }

    @AfterAll
    static void closeConnections() {
        if (v5 != null) {
            v5.send("DELETE", "/" + source, null);
            v5.close();
        }
        if (v7 != null) {
            v7.close();
        }
    }

    @Test
    void eachKilledWorkerJvmsSliceIsResumedAtItsCursorThroughTheRedisStore() throws Exception {
        RedisServer redis = RedisServer.get();
        int db = redis.freshDatabase();
        Map<String, String> store = Map.of("store", "redis", "redisUri", redis.uri(db));
        series("redis", store, () -> redis.command("SELECT", Integer.toString(db), "FLUSHDB"));
    }

    @Test
    void eachKilledWorkerJvmsSliceIsResumedAtItsCursorThroughTheJdbcStore() throws Exception {
        PostgresServer pg = PostgresServer.get();
        String database = pg.newDatabase("slicedkill");
        Map<String, String> store = Map.of("store", "jdbc", "jdbcUrl", pg.jdbcUrl(database), "jdbcUser", pg.user());
        series("jdbc", store, () -> pg.psql(database,
                "DO $$ BEGIN IF to_regclass('upgrade_checkpoints') IS NOT NULL THEN"
                        + " DELETE FROM upgrade_checkpoints; DELETE FROM upgrade_leases; END IF; END $$"));
    }

    /** One row of the figures: what a trial killed, when, and what the taker re-read. */
    record TrialRow(int trial, String victim, double killAtSeconds, String partition, long cursorRead,
            String takenOverBy, long reRead, int otherTakeovers, double seconds) {
    }

    private void series(String storeName, Map<String, String> storeSettings, Runnable resetStore) throws Exception {
        KillTrials naming = new KillTrials("sliced-copy-" + storeName);
        long seed = naming.seed();
        Random random = new Random(seed);
        int trials = KillTrials.trials(10);
        String planId = "sliced-kill-" + storeName;
        String target = es7.newIndexPrefix("slicedkill") + "users-" + storeName;
        Map<String, String> settings = new HashMap<>(storeSettings);
        settings.putAll(Map.of("es5", es5.url(), "es7", es7.url(), "source", source, "target", target,
                "planId", planId, "leaseMillis", Long.toString(LEASE.toMillis())));
        List<TrialRow> rows = new ArrayList<>();
        Path progress = Files.createDirectories(Path.of("target", "fault-suite")).resolve("sliced-copy-" + storeName
                + ".progress");
        long seriesStarted = System.nanoTime();
        long budget = Duration.ofMinutes(Long.getLong("fault.budgetMinutes", 24 * 60)).toNanos();
        for (int trial = 1; trial <= trials && System.nanoTime() - seriesStarted < budget; trial++) {
            Path work = Files.createDirectories(tmp.resolve(storeName + "-trial-" + trial));
            KillTrials.writeSettings(work, settings);
            resetTarget(target);
            resetStore.run();
            String victim = trial % 2 == 1 ? "jvm-a" : "jvm-b";
            int killAfterPages = 1 + random.nextInt(12);
            TrialRow row;
            try {
                row = trial(trial, work, victim, killAfterPages, target);
            } catch (Exception | AssertionError e) {
                Files.writeString(progress, "trial " + trial + " failed: " + e + "\n", StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                keep(work, progress.resolveSibling("failed-" + work.getFileName()));
                throw e;
            }
            rows.add(row);
            Files.writeString(progress, row + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            System.out.println("[sliced-kill] " + storeName + " " + row);
        }
        double seriesSeconds = (System.nanoTime() - seriesStarted) / 1e9;
        assertThat(rows).as("trials run within the budget").isNotEmpty();
        String table = table(storeName, seed, rows, trials, seriesSeconds);
        Path dir = Files.createDirectories(Path.of("target", "fault-suite"));
        Files.writeString(dir.resolve("sliced-copy-" + storeName + ".md"), table);
        System.out.println(table);
        v7.send("DELETE", "/" + target, null);
    }

    private TrialRow trial(int trial, Path work, String victimName, int killAfterPages, String target)
            throws Exception {
        Properties settings = KillTrials.settings(work);
        List<String> inProcessEvents = new CopyOnWriteArrayList<>();
        long started = System.nanoTime();
        try (CheckpointStore store = SlicedCopyWorkerMain.openStore(settings)) {
            UpgradePlan plan = SlicedCopyWorkerMain.plan(settings, v5, v7);
            UpgradeRunner runner = UpgradeRunner.builder().store(store).owner("in-process").leaseDuration(LEASE)
                    .listener(SlicedCopyWorkerMain.eventLog("in-process", inProcessEvents::add)).build();
            CompletableFuture<UpgradeReport> run = CompletableFuture.supplyAsync(() -> runner.up(plan));
            Process a = startWorker(work, "jvm-a");
            Process b = startWorker(work, "jvm-b");
            Process victim = victimName.equals("jvm-a") ? a : b;
            Process survivor = victim == a ? b : a;
            try {
                PartitionStatus killed = awaitMidSlice(runner, plan, victimName, killAfterPages, victim, run);
                victim.destroyForcibly();   // SIGKILL
                assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
                double killAt = (System.nanoTime() - started) / 1e9;
                Thread.sleep(100);      // a store write the victim sent just before dying has landed by now
                PartitionStatus atKill = status(runner, plan, killed.partitionId());
                assertThat(atKill.state()).as("killed mid-slice: " + atKill).isEqualTo(PartitionState.RUNNING);
                assertThat(atKill.owner()).as("not yet taken over: " + atKill).hasValueSatisfying(
                        o -> assertThat(o).startsWith(victimName + "/"));
                long cursorRead = read(atKill.cursor());

                UpgradeReport report = run.get(TRIAL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertThat(report.outcome()).as(String.valueOf(report.error())).isEqualTo(UpgradeReport.Outcome.SUCCEEDED);
                assertThat(survivor.waitFor(TRIAL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("surviving worker JVM ended")
                        .isTrue();
                assertThat(survivor.exitValue()).as("surviving worker JVM's exit code (see " + work + ")").isZero();
                assertThat(runner.partitions(plan, STEP)).extracting(PartitionStatus::state)
                        .hasSize(SLICES).containsOnly(PartitionState.DONE);

                Map<String, List<String>> takeovers = takeovers(work, inProcessEvents);
                assertThat(takeovers).as("takeovers by slice").containsKey(killed.partitionId());
                Map<Integer, Integer> rewritten = assertExactCopyWrittenOnceButOnePagePerTakeover(target, takeovers);
                int others = takeovers.values().stream().mapToInt(List::size).sum()
                        - takeovers.get(killed.partitionId()).size();
                return new TrialRow(trial, victimName, killAt, killed.partitionId(), cursorRead,
                        takeovers.get(killed.partitionId()).get(0), rewritten.getOrDefault(slice(killed.partitionId()), 0),
                        others, (System.nanoTime() - started) / 1e9);
            } finally {
                a.destroyForcibly();
                b.destroyForcibly();
                run.cancel(true);
            }
        }
    }

    /**
     * Polls the store until the victim holds a RUNNING slice whose saved cursor has read at least
     * {@code pages} pages, and returns that slice's status. Fails if the run ends or the victim
     * exits first.
     */
    private static PartitionStatus awaitMidSlice(UpgradeRunner runner, UpgradePlan plan, String victim, int pages,
            Process victimProcess, CompletableFuture<UpgradeReport> run) throws Exception {
        long deadline = System.nanoTime() + TRIAL_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (PartitionStatus p : runner.partitions(plan, STEP)) {
                if (p.state() == PartitionState.RUNNING && p.owner().orElse("").startsWith(victim + "/")
                        && p.cursor() != null && read(p.cursor()) >= (long) pages * PAGE) {
                    return p;
                }
            }
            assertThat(victimProcess.isAlive()).as(victim + " ended before a slice of it reached " + pages + " pages")
                    .isTrue();
            assertThat(run.isDone()).as("the run ended before " + victim + " was killed").isFalse();
            Thread.sleep(20);
        }
        throw new AssertionError(victim + " never held a slice past " + pages + " pages");
    }

    private static PartitionStatus status(UpgradeRunner runner, UpgradePlan plan, String partition) {
        return runner.partitions(plan, STEP).stream().filter(p -> p.partitionId().equals(partition)).findFirst()
                .orElseThrow();
    }

    /**
     * The takeovers seen by all workers, by slice (the takers' names), asserting each resumed from
     * the slice's cursor.
     */
    private static Map<String, List<String>> takeovers(Path work, List<String> inProcessEvents) throws IOException {
        List<String> lines = new ArrayList<>(inProcessEvents);
        try (Stream<Path> files = Files.list(work)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("events-")).toList()) {
                lines.addAll(Files.readAllLines(f));
            }
        }
        lines.sort(null);   // by the time stamp each line starts with
        Map<String, List<String>> out = new HashMap<>();
        for (String line : lines) {
            String[] e = line.trim().split(" ");
            if (e.length == 5 && e[1].equals("TAKEN_OVER")) {
                assertThat(e[4]).as("resumesFromCursor of the takeover of " + e[2] + " by " + e[3]).isEqualTo("true");
                out.computeIfAbsent(e[2], k -> new ArrayList<>()).add(e[3]);
            }
        }
        return out;
    }

    /**
     * Exactly {@link #DOCS} documents in the target, all at version 1 but those written twice, which
     * must be at version 2, equal to their source, and in slices that were taken over: at most one
     * page per takeover of the slice. Returns the number written twice by slice.
     */
    private static Map<Integer, Integer> assertExactCopyWrittenOnceButOnePagePerTakeover(String target,
            Map<String, List<String>> takeovers) {
        v7.send("POST", "/" + target + "/_refresh", null);
        assertThat(v7.send("GET", "/" + target + "/_count", null).path("count").asLong()).isEqualTo(DOCS);
        Map<String, Long> rewritten = versionsAbove1(target);
        assertThat(rewritten.values()).as("versions of documents written more than once").allMatch(v -> v == 2L);
        Map<Integer, Integer> bySlice = new HashMap<>();
        if (rewritten.isEmpty()) {
            return bySlice;
        }
        ObjectNode query = JSON.createObjectNode();
        query.put("size", rewritten.size()).putObject("query").putObject("ids")
                .set("values", JSON.valueToTree(List.copyOf(rewritten.keySet())));
        Map<String, JsonNode> copied = new HashMap<>();
        v7.send("POST", "/" + target + "/_search", query).path("hits").path("hits")
                .forEach(h -> copied.put(h.path("_id").asText(), h.path("_source")));
        int found = 0;
        for (int shard = 0; shard < SLICES; shard++) {
            JsonNode inShard = v5.send("POST", "/" + source + "/_search?preference=_shards:" + shard, query)
                    .path("hits").path("hits");
            inShard.forEach(h -> assertThat(copied.get(h.path("_id").asText())).as(h.path("_id").asText())
                    .isEqualTo(h.path("_source")));
            if (inShard.size() > 0) {
                int takeoversOfSlice = takeovers.getOrDefault("slice-" + shard, List.of()).size();
                assertThat(inShard.size()).as("documents of slice-" + shard + " written twice (" + takeoversOfSlice
                        + " takeovers)").isLessThanOrEqualTo(PAGE * takeoversOfSlice);
                bySlice.put(shard, inShard.size());
                found += inShard.size();
            }
        }
        assertThat(found).as("documents written twice, found in the source shards").isEqualTo(rewritten.size());
        return bySlice;
    }

    private static int slice(String partitionId) {
        return Integer.parseInt(partitionId.substring("slice-".length()));
    }

    /** The documents of {@code index} whose {@code _version} is above 1, read with a scroll without sources. */
    private static Map<String, Long> versionsAbove1(String index) {
        Map<String, Long> out = new HashMap<>();
        JsonNode page = v7.send("POST", "/" + index + "/_search?scroll=1m",
                "{\"size\":10000,\"version\":true,\"_source\":false,\"sort\":[\"_doc\"]}");
        long seen = 0;
        while (page.path("hits").path("hits").size() > 0) {
            for (JsonNode hit : page.path("hits").path("hits")) {
                seen++;
                if (hit.path("_version").asLong() != 1) {
                    out.put(hit.path("_id").asText(), hit.path("_version").asLong());
                }
            }
            page = v7.send("POST", "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\""
                    + page.path("_scroll_id").asText() + "\"}");
        }
        v7.send("DELETE", "/_search/scroll", "{\"scroll_id\":\"" + page.path("_scroll_id").asText() + "\"}");
        assertThat(seen).as("documents scanned for their version").isEqualTo(DOCS);
        return out;
    }

    private Process startWorker(Path work, String owner) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), SlicedCopyWorkerMain.class.getName(), work.toString(),
                owner)
                .redirectErrorStream(true).redirectOutput(work.resolve(owner + ".out").toFile()).start();
    }

    private static void resetTarget(String target) {
        if (v7.exists("/" + target)) {
            v7.send("DELETE", "/" + target, null);
        }
        v7.send("PUT", "/" + target, "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0,"
                + "\"refresh_interval\":\"-1\",\"translog.durability\":\"async\"}}");
    }

    /** Copies a failed trial's folder (workers' output and events) out of the temp dir, which JUnit deletes. */
    private static void keep(Path work, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(work)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static long read(String cursor) {
        try {
            return JSON.readTree(cursor).path("read").asLong();
        } catch (IOException e) {
            throw new IllegalStateException("unreadable cursor " + cursor, e);
        }
    }

    private static String filler() {
        StringBuilder s = new StringBuilder();
        Random r = new Random(17);
        while (s.length() < 900) {
            s.append("lorem ipsum dolor sit amet ".charAt(r.nextInt(27))).append(Integer.toString(r.nextInt(1000), 36));
        }
        return s.toString().trim();
    }

    private static String table(String store, long seed, List<TrialRow> rows, int asked, double seriesSeconds) {
        StringBuilder md = new StringBuilder();
        md.append("### sliced copy, ").append(store).append(" store\n\n");
        md.append(String.format("seed %d, %d trials (of %d asked), %d SIGKILLs, 0 failures, %.0f s in all (%.1f s a"
                + " trial)%n%n", seed, rows.size(), asked, rows.size(), seriesSeconds,
                seriesSeconds / Math.max(1, rows.size())));
        md.append("| trial | killed | kill at (s) | killed slice | its cursor had read | taken over by |"
                + " documents re-read | other takeovers | trial (s) |\n| ---: | --- | ---: | --- | ---: | --- | ---: | ---: | ---: |\n");
        for (TrialRow r : rows) {
            md.append(String.format("| %d | %s | %.1f | %s | %d | %s | %d | %d | %.1f |%n", r.trial(), r.victim(),
                    r.killAtSeconds(), r.partition(), r.cursorRead(), r.takenOverBy(), r.reRead(), r.otherTakeovers(),
                    r.seconds()));
        }
        return md.toString();
    }
}
