package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.testservers.RedisServer;
import io.upgradesdk.upgrade.Confirmation;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.kuzzle.DestroyPolicy;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgrade;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.http.HttpHost;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole upgrade on real Elasticsearch 5.6 → 7.17 / 8.19 (and in-place on 5.6) and real Redis. */
@Tag("integration")
class KuzzleUpgradeEsTest {

    static final int DOCS = 300;

    @TempDir
    Path work;

    private final List<Runnable> cleanups = new ArrayList<>();

    private final KuzzleUpgrade kuzzle = KuzzleUpgrade.create();

    @AfterEach
    void cleanUp() {
        cleanups.forEach(Runnable::run);
        kuzzle.close();
    }

    private ItScenario scenario(String... urls) {
        ItScenario s = ItScenario.fresh();
        for (String url : urls) {
            cleanups.add(() -> EsFixtures.deleteAll(url, s.id()));
        }
        return s;
    }

    private static UpgradeRunner runner(Confirmation confirmation) {
        return UpgradeRunner.builder().store(new InMemoryCheckpointStore()).owner("it").confirmation(confirmation).build();
    }

    private Path kuzzlerc() throws Exception {
        Path rc = work.resolve(".kuzzlerc");
        Files.writeString(rc, KuzzlercConverterTest.SPEC_V1);
        return rc;
    }

    /** Asserts the target holds exactly the transformed v1 data, document by document. */
    static void assertMigrated(String src, String dst, ItScenario s) {
        String nyc = s.nyc();
        Map<String, ObjectNode> config = EsFixtures.docs(dst, "%" + s.v2Internal() + ".config");
        assertThat(config.get("security.jwt.secret").get("seed").asText()).isEqualTo(V1Dataset.SEED);
        assertThat(config.get(KuzzleSteps.DATA_MODEL_ID).get("version").asText()).isEqualTo("2.0.0");
        assertThat(config).containsKey(s.v2Internal() + ".done").hasSize(3);
        Map<String, ObjectNode> roles = EsFixtures.docs(dst, "%" + s.v2Internal() + ".roles");
        assertThat(roles.get("editor").at("/controllers/document/actions/update").isBoolean()).isTrue();
        assertThat(roles.get("editor").at("/controllers/index/actions").size()).isZero();
        assertThat(EsFixtures.docs(dst, "%" + s.v2Internal() + ".profiles").get("editor")
                .at("/policies/0/restrictedTo/0/collections/0").asText()).isEqualTo("yellowtaxi");
        assertThat(EsFixtures.docs(dst, "%" + s.v2Internal() + ".users")).containsOnlyKeys("alice-kuid", "admin-kuid");
        assertThat(EsFixtures.docs(dst, "%" + s.v2Internal() + ".validations")).containsOnlyKeys(nyc + "#yellowtaxi");
        assertThat(EsFixtures.docs(dst, "%plugin-" + s.plugin() + ".users"))
                .isEqualTo(EsFixtures.docs(src, "%plugin:" + s.plugin(), "users"));
        for (String[] c : new String[][] {{"YellowTaxi", "yellowtaxi"}, {"green-taxi", "green-taxi"}}) {
            Map<String, ObjectNode> expected = new java.util.TreeMap<>();
            EsFixtures.docs(src, nyc, c[0]).forEach((id, doc) -> {
                if (!DocumentTransforms.isTrashed(doc)) {
                    if (doc.get("_kuzzle_info") instanceof ObjectNode info) {
                        info.remove("active");
                        info.remove("deletedAt");
                    }
                    expected.put(id, doc);
                }
            });
            assertThat(EsFixtures.docs(dst, "&" + nyc + "." + c[1])).as(c[0]).isEqualTo(expected);
        }
        assertThat(EsFixtures.indices(dst, s.id())).noneMatch(i -> (i.startsWith("&") || i.startsWith("%"))
                && (i.contains("empty") || i.contains("kibana")));
    }

    @Test
    void new_stack_5_to_7_with_tokens_verified_document_by_document_and_rerun_changes_nothing() throws Exception {
        String src = ElasticsearchServer.get(ElasticsearchServer.V5).url();
        String dst = ElasticsearchServer.get(ElasticsearchServer.V7).url();
        ItScenario s = scenario(src, dst);
        EsFixtures.load(src, s.dataset(DOCS, 2));
        try (ElasticsearchConnection es = EsFixtures.client(src)) {
            es.send("PUT", "/" + s.nyc() + "/_alias/recent-" + s.id(),
                    Json.parseObject("{\"filter\":{\"range\":{\"trip\":{\"gte\":100}}}}"));
        }
        RedisServer redis = RedisServer.get();
        int fromDb = redis.freshDatabase();
        int toDb = redis.freshDatabase();
        RedisClient rc = RedisClient.create();
        try {
            RedisCommands<String, String> v1 = rc.connect(RedisURI.create(redis.uri(fromDb))).sync();
            v1.set(TokenCache.V1_PREFIX + "alice-kuid#jwt1", "{\"_id\":\"alice-kuid#jwt1\"}", SetArgs.Builder.px(3_600_000));
            v1.set(TokenCache.V1_PREFIX + "admin-kuid#jwt2", "{\"_id\":\"admin-kuid#jwt2\"}", SetArgs.Builder.px(60_000));
            v1.set("repos/%kuzzle/users/alice-kuid", "{}");

            UpgradePlan plan = kuzzle.upgradePlan(s.settings(src, dst, work).kuzzlerc(kuzzlerc())
                    .sourceRedis(RedisURI.create(redis.uri(fromDb))).targetRedis(RedisURI.create(redis.uri(toDb)))
                    .pageSize(64).copySourceAliases(true).build());
            UpgradeRunner runner = runner(Confirmation.deny());
            assertThat(runner.preview(plan).toJson()).contains("&" + s.nyc() + ".yellowtaxi").contains("\"v1Tokens\"");

            UpgradeReport report = runner.up(plan);

            assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.SUCCEEDED);
            assertMigrated(src, dst, s);
            JsonNode alias = EsFixtures.get(dst, "/_alias/" + RestEsPort.enc("@&" + s.nyc() + ".yellowtaxi"));
            assertThat(alias.has("&" + s.nyc() + ".yellowtaxi")).isTrue();
            JsonNode mapping = EsFixtures.get(dst, "/" + RestEsPort.enc("&" + s.nyc() + ".yellowtaxi") + "/_mapping");
            assertThat(mapping.findValue("driver").path("analyzer").asText()).isEqualTo("folded");
            JsonNode indexSettings = EsFixtures.get(dst, "/" + RestEsPort.enc("&" + s.nyc() + ".yellowtaxi") + "/_settings");
            assertThat(indexSettings.findValue("refresh_interval")).as("bulk-load setting restored").isNull();
            assertThat(indexSettings.findValue("analysis")).isNotNull();
            JsonNode copied = EsFixtures.get(dst, "/_alias/recent-" + s.id());
            assertThat(copied.at("/" + RestEsPort.enc("&" + s.nyc() + ".green-taxi").replace("%26", "&")
                    + "/aliases/recent-" + s.id() + "/filter/range/trip/gte").asInt()).isEqualTo(100);
            assertThat(copied.size()).isEqualTo(2);
            assertThat(mapping.findValue("_kuzzle_info").path("properties").has("active")).isFalse();
            RedisCommands<String, String> v2 = rc.connect(RedisURI.create(redis.uri(toDb))).sync();
            assertThat(v2.get(TokenCache.V2_PREFIX + "alice-kuid#jwt1")).isEqualTo("{\"_id\":\"alice-kuid#jwt1\"}");
            assertThat(v2.pttl(TokenCache.V2_PREFIX + "admin-kuid#jwt2")).isBetween(1L, 60_000L);
            assertThat(v2.dbsize()).isEqualTo(2);
            JsonNode verify = Json.MAPPER.readTree(work.resolve("report-" + s.id() + ".json").toFile());
            assertThat(verify.get("ok").asBoolean()).isTrue();
            assertThat(verify.at("/tokens/v2").asLong()).isEqualTo(2);
            assertThat(Files.readString(work.resolve(".kuzzlerc.v2"))).contains("\"node\"");

            List<String> targetsBefore = EsFixtures.indices(dst, s.id());
            Map<String, ObjectNode> yellowBefore = EsFixtures.docs(dst, "&" + s.nyc() + ".yellowtaxi");
            UpgradeReport again = runner.up(plan);
            assertThat(again.steps()).allSatisfy(st ->
                    assertThat(st.outcome()).isEqualTo(UpgradeReport.StepOutcome.ALREADY_DONE));
            assertThat(EsFixtures.indices(dst, s.id())).isEqualTo(targetsBefore);
            assertThat(EsFixtures.docs(dst, "&" + s.nyc() + ".yellowtaxi")).isEqualTo(yellowBefore);
        } finally {
            rc.shutdown();
        }
    }

    @Test
    void the_hosts_own_clients_carry_the_upgrade_redis_with_acl_user_and_tls_and_all_stay_open() throws Exception {
        String src = ElasticsearchServer.get(ElasticsearchServer.V5).url();
        String dst = ElasticsearchServer.get(ElasticsearchServer.V7).url();
        ItScenario s = scenario(src, dst);
        EsFixtures.load(src, s.dataset(60, 0));
        try (RedisServer secured = RedisServer.builder().password("default-pw")
                        .aclUser("kuzzle-upgrader on >upgrader-pw ~* +@all").tls().start();
                RestClient v1 = RestClient.builder(HttpHost.create(src)).build();
                RestClient v2Rest = RestClient.builder(HttpHost.create(dst)).build()) {
            ElasticsearchClient v2 = new ElasticsearchClient(new RestClientTransport(v2Rest, new JacksonJsonpMapper()));
            RedisClient hostRedis = RedisClient.create();
            hostRedis.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder()
                    .trustManager(secured.tlsCertificate().toFile()).build()).build());
            try {
                RedisURI.Builder uri = RedisURI.builder().withHost(secured.host()).withPort(secured.port())
                        .withSsl(true).withAuthentication("kuzzle-upgrader", "upgrader-pw");
                try (StatefulRedisConnection<String, String> c = hostRedis.connect(uri.withDatabase(0).build())) {
                    c.sync().set(TokenCache.V1_PREFIX + "alice-kuid#jwt1", "{}", SetArgs.Builder.px(3_600_000));
                }
                UpgradeReport report;
                try (KuzzleUpgrade host = KuzzleUpgrade.builder().elasticsearchClient("v1", v1)
                        .elasticsearchClient("v2", v2).redisClient(hostRedis).build()) {
                    UpgradePlan plan = host.upgradePlan(s.settings(src, dst, work)
                            .sourceElasticsearch(ElasticsearchEndpoint.hostClient("v1"))
                            .targetElasticsearch(ElasticsearchEndpoint.hostClient("v2"))
                            .sourceRedis(uri.withDatabase(0).build()).targetRedis(uri.withDatabase(1).build()).build());
                    report = runner(Confirmation.deny()).up(plan);
                }

                assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.SUCCEEDED);
                assertThat(report.toString()).doesNotContain("upgrader-pw");
                assertMigrated(src, dst, s);
                // the host's clients are still open: its Redis client connects, its Elasticsearch clients answer
                try (StatefulRedisConnection<String, String> c = hostRedis.connect(uri.withDatabase(1).build())) {
                    assertThat(c.sync().get(TokenCache.V2_PREFIX + "alice-kuid#jwt1")).isEqualTo("{}");
                }
                assertThat(v1.performRequest(new Request("GET", "/_cluster/health")).getStatusLine().getStatusCode())
                        .isEqualTo(200);
                assertThat(v2.count(c -> c.index("&" + s.nyc() + ".yellowtaxi")).count()).isPositive();
            } finally {
                hostRedis.shutdown();
            }
        }
    }

    @Test
    void new_stack_5_to_8() throws Exception {
        String src = ElasticsearchServer.get(ElasticsearchServer.V5).url();
        String dst = ElasticsearchServer.get(ElasticsearchServer.V8).url();
        ItScenario s = scenario(src, dst);
        EsFixtures.load(src, s.dataset(DOCS, 1));
        UpgradePlan plan = kuzzle.upgradePlan(s.settings(src, dst, work).kuzzlerc(kuzzlerc()).targetVersion("2.32.0")
                .build());
        UpgradeReport report = runner(Confirmation.deny()).up(plan);
        assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.SUCCEEDED);
        assertMigrated(src, dst, s);
        assertThat(Json.MAPPER.readTree(work.resolve(".kuzzlerc.v2").toFile()).at("/services/storageEngine/majorVersion")
                .textValue()).as("Kuzzle 2 opted into Elasticsearch 8").isEqualTo("8");
    }

    @Test
    void an_8_target_for_kuzzle_2_31_is_refused_before_anything_is_written() throws Exception {
        String src = ElasticsearchServer.get(ElasticsearchServer.V5).url();
        String dst = ElasticsearchServer.get(ElasticsearchServer.V8).url();
        ItScenario s = scenario(src, dst);
        EsFixtures.load(src, s.dataset(10, 0));
        UpgradePlan plan = kuzzle.upgradePlan(s.settings(src, dst, work).kuzzlerc(kuzzlerc()).targetVersion("2.31.0")
                .build());

        UpgradeReport report = runner(Confirmation.deny()).up(plan);

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.error()).contains("is 8.x, and Kuzzle 2.31.0 (targetVersion) cannot use Elasticsearch 8",
                "2.32.0 or later", "(7.x)");
        assertThat(EsFixtures.indices(dst, s.id())).isEmpty();
        assertThat(work.resolve(".kuzzlerc.v2")).doesNotExist();
    }

    @Test
    void in_place_on_5_destroy_is_refused_without_confirmation_and_keeps_what_was_written() throws Exception {
        String es = ElasticsearchServer.get(ElasticsearchServer.V5).url();
        ItScenario s = scenario(es);
        EsFixtures.load(es, s.dataset(50, 0));
        UpgradePlan plan = kuzzle.upgradePlan(s.settings(es, null, work).destroyPolicy(DestroyPolicy.EVERYTHING).build());
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        UpgradeRunner denying = UpgradeRunner.builder().store(store).owner("it").build();
        UpgradeReport up = denying.up(plan);
        assertThat(up.outcome()).as(up.toString()).isEqualTo(Outcome.SUCCEEDED);
        assertMigrated(es, es, s);

        assertThat(denying.finish(plan).outcome()).isEqualTo(Outcome.AWAITING_CONFIRMATION);
        assertThat(EsFixtures.indices(es, s.id())).contains(s.internal(), s.nyc(), "%plugin:" + s.plugin());

        UpgradeReport finish = UpgradeRunner.builder().store(store).owner("it")
                .confirmation(Confirmation.givenInAdvance()).build().run(plan);
        assertThat(finish.outcome()).as(finish.toString()).isEqualTo(Outcome.SUCCEEDED);
        List<String> left = EsFixtures.indices(es, s.id());
        assertThat(left).doesNotContain(s.internal(), s.nyc(), "%plugin:" + s.plugin());
        assertThat(left).contains("%" + s.v2Internal() + ".config", "&" + s.nyc() + ".yellowtaxi",
                "&" + s.nyc() + ".green-taxi", "%plugin-" + s.plugin() + ".users", s.nyc() + "-empty");
    }

    @Test
    void B1_a_document_the_target_rejects_fails_the_copy_instead_of_vanishing() throws Exception {
        String src = ElasticsearchServer.get(ElasticsearchServer.V5).url();
        String dst = ElasticsearchServer.get(ElasticsearchServer.V7).url();
        ItScenario s = scenario(src, dst);
        V1Dataset data = s.dataset(20, 0);
        // the v1 index allowed 3000 fields; the v2 indice has Elasticsearch's default limit (1000)
        data.indices.add(new V1Dataset.IndexDef(s.nyc() + "-wide", "{\"index\":{\"mapping\":{\"total_fields\":"
                + "{\"limit\":3000}}}}", Map.of("things", "{\"properties\":{}}")));
        StringBuilder wide = new StringBuilder("{");
        for (int i = 0; i < 1200; i++) {
            wide.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
        }
        data.docs.add(new V1Dataset.DocDef(s.nyc() + "-wide", "things", "narrow", "{\"a\":1}"));
        data.docs.add(new V1Dataset.DocDef(s.nyc() + "-wide", "things", "wide", wide.append("}").toString()));
        EsFixtures.load(src, data);
        UpgradeReport report = runner(Confirmation.deny()).up(kuzzle.upgradePlan(s.settings(src, dst, work)
                .selection(io.upgradesdk.upgrade.kuzzle.DataSelection.indices(s.nyc(), s.nyc() + "-wide")).build()));
        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.step("kuzzle-public-storages").orElseThrow().outcome())
                .isEqualTo(UpgradeReport.StepOutcome.FAILED);
        assertThat(report.error()).contains("Limit of total fields [1000]").contains("wide");
    }

    @Test
    void a_run_killed_with_SIGKILL_mid_collection_resumes_and_ends_with_exact_counts() throws Exception {
        String src = ElasticsearchServer.get(ElasticsearchServer.V5).url();
        String dst = ElasticsearchServer.get(ElasticsearchServer.V7).url();
        ItScenario s = scenario(src, dst);
        EsFixtures.load(src, s.dataset(1500, 0));
        Path checkpoint = work.resolve("checkpoint.json");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process host = new ProcessBuilder(javaBin, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), KillableUpgradeHost.class.getName(), checkpoint.toString(), src,
                dst, s.id(), work.toString()).redirectErrorStream(true).redirectOutput(work.resolve("host.log").toFile())
                .start();
        String yellow = "&" + s.nyc() + ".yellowtaxi";
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (host.isAlive() && System.nanoTime() < deadline) {
            if (EsFixtures.indices(dst, s.id()).contains(yellow) && EsFixtures.count(dst, yellow) >= 200) {
                break; // the yellow taxis are being copied
            }
            Thread.sleep(5);
        }
        assertThat(host.isAlive()).as("host still copying; log: %s", Files.readString(work.resolve("host.log"))).isTrue();
        host.destroyForcibly(); // SIGKILL
        host.waitFor();
        long partial = EsFixtures.docs(dst, yellow).size();
        assertThat(partial).isBetween(1L, 1349L);
        // the public targets are created together before the copy, whose partitions run in parallel
        assertThat(EsFixtures.indices(dst, s.id())).contains("&" + s.nyc() + ".green-taxi");

        try (io.upgradesdk.upgrade.FileCheckpointStore store = new io.upgradesdk.upgrade.FileCheckpointStore(checkpoint)) {
            UpgradeReport resumed = UpgradeRunner.builder().store(store).owner("it").lockWait(java.time.Duration.ofSeconds(10))
                    .build().up(kuzzle.upgradePlan(s.settings(src, dst, work).pageSize(KillableUpgradeHost.PAGE).build()));
            assertThat(resumed.outcome()).as(resumed.toString()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(resumed.step("kuzzle-internal-storage").orElseThrow().outcome())
                    .isEqualTo(UpgradeReport.StepOutcome.ALREADY_DONE);
        }
        assertThat(EsFixtures.docs(dst, yellow)).hasSize(1350);
        assertThat(EsFixtures.docs(dst, "&" + s.nyc() + ".green-taxi")).hasSize(1500);
        assertMigrated(src, dst, s);
    }

    @Test
    void B13_a_separate_target_url_naming_the_source_cluster_is_refused_before_writing() throws Exception {
        ElasticsearchServer es5 = ElasticsearchServer.get(ElasticsearchServer.V5);
        String src = es5.url();
        ItScenario s = scenario(src);
        EsFixtures.load(src, s.dataset(5, 0));
        String sameClusterOtherName = "http://localhost:" + es5.port();
        UpgradeReport r = runner(Confirmation.deny()).up(kuzzle.upgradePlan(s.settings(src, sameClusterOtherName, work)
                .kuzzlerc(kuzzlerc()).build()));
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.error()).contains("is the source cluster");
        assertThat(EsFixtures.indices(src, s.id())).noneMatch(i -> i.startsWith("&")
                || i.startsWith("%" + s.v2Internal() + ".") || i.startsWith("%plugin-"));
        assertThat(Files.exists(work.resolve(".kuzzlerc.v2"))).isFalse();
    }
}
