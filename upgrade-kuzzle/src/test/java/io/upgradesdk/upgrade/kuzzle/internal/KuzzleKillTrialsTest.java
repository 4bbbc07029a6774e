package io.upgradesdk.upgrade.kuzzle.internal;

import io.upgradesdk.upgrade.testkit.KillTrials;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.testservers.RedisServer;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgrade;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgradeSettings;
import io.upgradesdk.upgrade.testkit.KillHarness;
import io.upgradesdk.upgrade.testkit.KillablePlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite for the Kuzzle plan, both layouts: a new stack (5.6 → 7.17, with the Redis token
 * cache) and in place on 5.6. Children are killed with SIGKILL at seeded random points of both
 * phases and rerun in a fresh JVM; every trial ends with the target holding exactly the migrated
 * data (document by document), every token copied once with its value, at most the pages in flight
 * at each kill written a second time (checked with {@code _version}), and the checkpoint readable.
 * {@code -Dfault.trials=N}, {@code -Dfault.seed=S} (see docs/fault-suite.md).
 */
@Tag("integration")
@Tag("long")
public class KuzzleKillTrialsTest {

    static final int DOCS = 400;
    static final int PAGE = 25;
    static final int TOKENS = 60;

    /** New stack: 5.6 → 7.17 and one Redis database to another. */
    public static final class NewStackPlan implements KillablePlan {

        @Override
        public void prepare(Path work) throws Exception {
            String src = ElasticsearchServer.get(ElasticsearchServer.V5).url();
            String dst = ElasticsearchServer.get(ElasticsearchServer.V7).url();
            RedisServer redis = RedisServer.get();
            int fromDb = redis.freshDatabase();
            int toDb = redis.freshDatabase();
            ItScenario s = ItScenario.fresh();
            EsFixtures.load(src, s.dataset(DOCS, 0));
            RedisClient client = RedisClient.create();
            try (StatefulRedisConnection<String, String> c = client.connect(RedisURI.create(redis.uri(fromDb)))) {
                for (int i = 0; i < TOKENS; i++) {
                    c.sync().set(TokenCache.V1_PREFIX + "user-" + i + "#jwt" + i, "{\"_id\":\"jwt" + i + "\"}",
                            SetArgs.Builder.px(3_600_000));
                }
            } finally {
                client.shutdown();
            }
            Map<String, String> settings = new HashMap<>(Map.of("source", src, "target", dst, "scenario", s.id(),
                    "sourceRedis", redis.uri(fromDb), "targetRedis", redis.uri(toDb)));
            try (KuzzleUpgrade kuzzle = KuzzleUpgrade.create()) {
                UpgradePlan plan = build(kuzzle, settings, work);
                settings.put("planId", plan.id());
                settings.put("steps", Integer.toString(plan.steps().size()));
            }
            KillTrials.writeSettings(work, settings);
        }

        @Override
        public UpgradePlan plan(Path work) throws Exception {
            return build(KuzzleUpgrade.create(), asMap(KillTrials.settings(work)), work); // closed when the child JVM exits
        }

        @Override
        public void configure(UpgradeRunner.Builder runner, Path work) {
            KillTrials.recordSteps(runner, work);
        }

        private static UpgradePlan build(KuzzleUpgrade kuzzle, Map<String, String> p, Path work) {
            KuzzleUpgradeSettings settings = new ItScenario(p.get("scenario")).settings(p.get("source"), p.get("target"), work)
                    .sourceRedis(RedisURI.create(p.get("sourceRedis"))).targetRedis(RedisURI.create(p.get("targetRedis")))
                    .pageSize(PAGE).build();
            return kuzzle.upgradePlan(settings);
        }
    }

    /** In place on 5.6 (the v2 indices next to the v1 ones; FINISH destroys nothing by default). */
    public static final class InPlacePlan implements KillablePlan {

        @Override
        public void prepare(Path work) throws Exception {
            String es = ElasticsearchServer.get(ElasticsearchServer.V5).url();
            ItScenario s = ItScenario.fresh();
            EsFixtures.load(es, s.dataset(DOCS, 0));
            Map<String, String> settings = new HashMap<>(Map.of("source", es, "target", es, "scenario", s.id()));
            try (KuzzleUpgrade kuzzle = KuzzleUpgrade.create()) {
                UpgradePlan plan = build(kuzzle, settings, work);
                settings.put("planId", plan.id());
                settings.put("steps", Integer.toString(plan.steps().size()));
            }
            KillTrials.writeSettings(work, settings);
        }

        @Override
        public UpgradePlan plan(Path work) throws Exception {
            return build(KuzzleUpgrade.create(), asMap(KillTrials.settings(work)), work); // closed when the child JVM exits
        }

        @Override
        public void configure(UpgradeRunner.Builder runner, Path work) {
            KillTrials.recordSteps(runner, work);
        }

        private static UpgradePlan build(KuzzleUpgrade kuzzle, Map<String, String> p, Path work) {
            return kuzzle.upgradePlan(new ItScenario(p.get("scenario"))
                    .settings(p.get("source"), null, work).pageSize(PAGE).build());
        }
    }

    private static Map<String, String> asMap(Properties p) {
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    @TempDir
    Path tmp;

    @Test
    void newStackKilledAnywhereEndsWithExactDataAndTokens() throws Exception {
        KillTrials trials = new KillTrials("kuzzle-new-stack");
        KillHarness.Report report = KillHarness.forPlan(NewStackPlan.class).workDir(tmp.resolve("new-stack"))
                .trials(KillTrials.trials(20)).seed(trials.seed()).maxKillsPerTrial(2)
                .maxDelay(Duration.ofMillis(200)).runTimeout(Duration.ofSeconds(180))
                .run(work -> {
                    trials.afterTrial(work);
                    Properties p = KillTrials.settings(work);
                    ItScenario s = new ItScenario(p.getProperty("scenario"));
                    KuzzleUpgradeEsTest.assertMigrated(p.getProperty("source"), p.getProperty("target"), s);
                    assertRewritesBounded(p.getProperty("target"), s, work);
                    assertTokensCopied(p.getProperty("sourceRedis"), p.getProperty("targetRedis"));
                    removeIndicesOf(s, p.getProperty("source"), p.getProperty("target"));
                });
        trials.report(report);
        assertThat(report.killsLanded()).isPositive();
    }

    @Test
    void inPlaceKilledAnywhereEndsWithExactData() throws Exception {
        KillTrials trials = new KillTrials("kuzzle-in-place");
        KillHarness.Report report = KillHarness.forPlan(InPlacePlan.class).workDir(tmp.resolve("in-place"))
                .trials(KillTrials.trials(20)).seed(trials.seed()).maxKillsPerTrial(2)
                .maxDelay(Duration.ofMillis(200)).runTimeout(Duration.ofSeconds(180))
                .run(work -> {
                    trials.afterTrial(work);
                    Properties p = KillTrials.settings(work);
                    ItScenario s = new ItScenario(p.getProperty("scenario"));
                    KuzzleUpgradeEsTest.assertMigrated(p.getProperty("source"), p.getProperty("source"), s);
                    assertRewritesBounded(p.getProperty("source"), s, work);
                    removeIndicesOf(s, p.getProperty("source"));
                });
        trials.report(report);
        assertThat(report.killsLanded()).isPositive();
    }

    /**
     * A checked trial's indices go: the plan migrates every v1 plugin index it finds on the source
     * (the selection covers public indices only), and refuses targets that already exist.
     */
    private static void removeIndicesOf(ItScenario s, String... urls) {
        for (String url : urls) {
            EsFixtures.deleteAll(url, s.id());
        }
    }

    /**
     * A killed run may leave the pages it had in flight unsaved; its rerun writes them again
     * (version 2). Nothing before the saved cursor is written again: at most the pages in flight
     * (the one being read plus the bulk requests in flight) per killed run.
     */
    private static void assertRewritesBounded(String url, ItScenario s, Path work) throws Exception {
        long killedRuns = Files.readAllLines(work.resolve("trail.log")).stream()
                .filter(l -> l.endsWith(" R")).count() - 1;
        int rewritten = 0;
        for (String collection : List.of("yellowtaxi", "green-taxi")) {
            String index = "&" + s.nyc() + "." + collection;
            EsFixtures.get(url, "/" + RestEsPort.enc(index) + "/_refresh");
            JsonNode hits = EsFixtures.get(url, "/" + RestEsPort.enc(index)
                    + "/_search?version=true&size=10000&_source=false").path("hits").path("hits");
            for (JsonNode hit : hits) {
                rewritten += hit.path("_version").asLong() > 1 ? 1 : 0;
            }
        }
        assertThat(rewritten).as("documents written more than once after %d killed runs", killedRuns)
                .isLessThanOrEqualTo((int) Math.max(0, killedRuns) * PAGE * 3);
    }

    private static void assertTokensCopied(String from, String to) {
        RedisClient client = RedisClient.create();
        try (StatefulRedisConnection<String, String> source = client.connect(RedisURI.create(from));
                StatefulRedisConnection<String, String> target = client.connect(RedisURI.create(to))) {
            RedisCommands<String, String> v2 = target.sync();
            assertThat(v2.keys(TokenCache.V2_PREFIX + "*")).hasSize(TOKENS);
            for (int i = 0; i < TOKENS; i++) {
                String key = "user-" + i + "#jwt" + i;
                assertThat(v2.get(TokenCache.V2_PREFIX + key)).isEqualTo(source.sync().get(TokenCache.V1_PREFIX + key));
                assertThat(v2.pttl(TokenCache.V2_PREFIX + key)).isBetween(1L, 3_600_000L);
            }
        } finally {
            client.shutdown();
        }
    }
}
