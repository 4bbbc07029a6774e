package io.upgradesdk.upgrade.kuzzle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;

/** The entry point's shape; the plans themselves are exercised in the internal package's tests. */
class KuzzleUpgradeTest {

    private static KuzzleUpgradeSettings.Builder settings() {
        return KuzzleUpgradeSettings.builder()
                .sourceElasticsearch(ElasticsearchEndpoint.of("http://127.0.0.1:9"))
                .targetVersion("2.14.0");
    }

    @Test
    void builds_the_plan_of_the_settings_without_connecting() {
        try (KuzzleUpgrade kuzzle = KuzzleUpgrade.builder().build()) {
            UpgradePlan plan = kuzzle.upgradePlan(settings().planId("kuzzle-a").build());

            assertThat(plan.id()).isEqualTo("kuzzle-a");
            assertThat(plan.stepIds()).containsExactly("kuzzle-inventory", "kuzzle-config", "kuzzle-internal-storage",
                    "kuzzle-plugin-storages", "kuzzle-public-storages", "kuzzle-settle-storages", "kuzzle-cache",
                    "kuzzle-verify");
            assertThat(plan.pointOfNoReturn()).isEmpty();
        }
    }

    @Test
    void an_in_place_destroy_policy_adds_the_finish_step_as_the_point_of_no_return() {
        try (KuzzleUpgrade kuzzle = KuzzleUpgrade.create()) {
            UpgradePlan plan = kuzzle.upgradePlan(settings().destroyPolicy(DestroyPolicy.INTERNAL).build());

            assertThat(plan.stepIds()).last().isEqualTo("kuzzle-destroy-v1");
            assertThat(plan.pointOfNoReturn()).isPresent();
        }
    }

    @Test
    void plans_outlive_the_instance_and_close_is_idempotent() {
        KuzzleUpgrade kuzzle = KuzzleUpgrade.create();
        UpgradePlan plan = kuzzle.upgradePlan(settings().build());
        kuzzle.close();
        kuzzle.close();
        assertThat(plan.stepIds()).hasSize(8);
        assertThat(kuzzle.upgradePlan(settings().build()).fingerprint()).isEqualTo(plan.fingerprint());
    }

    @Test
    void settings_refer_to_the_hosts_elasticsearch_clients_by_name_and_closing_leaves_them_open() throws Exception {
        try (RestClient v1 = RestClient.builder(HttpHost.create("http://127.0.0.1:9")).build();
                RestClient v2 = RestClient.builder(HttpHost.create("http://127.0.0.1:10")).build()) {
            ElasticsearchClient typed = new ElasticsearchClient(new RestClientTransport(v2, new JacksonJsonpMapper()));
            KuzzleUpgrade kuzzle = KuzzleUpgrade.builder().elasticsearchClient("v1", v1)
                    .elasticsearchClient("v2", typed).build();
            UpgradePlan plan = kuzzle.upgradePlan(settings().sourceElasticsearch(ElasticsearchEndpoint.hostClient("v1"))
                    .targetElasticsearch(ElasticsearchEndpoint.hostClient("v2")).build());
            kuzzle.close();

            assertThat(plan.stepIds()).hasSize(8);
            assertThat(v1.isRunning()).isTrue();
            assertThat(v2.isRunning()).isTrue();
        }
    }

    @Test
    void a_host_client_name_nobody_handed_in_fails_when_the_plan_is_built() {
        try (KuzzleUpgrade kuzzle = KuzzleUpgrade.create()) {
            assertThatThrownBy(() -> kuzzle.upgradePlan(settings()
                    .sourceElasticsearch(ElasticsearchEndpoint.hostClient("v1")).build()))
                    .isInstanceOfSatisfying(UpgradeException.class, e -> {
                        assertThat(e.code()).isEqualTo(KuzzleErrorCode.INVALID_SETTINGS);
                        assertThat(e.getMessage()).contains("host client 'v1'", "elasticsearchClient(\"v1\"");
                    });
        }
    }

    @Test
    void the_same_host_client_as_source_and_separate_target_is_refused() {
        assertThatThrownBy(() -> settings().sourceElasticsearch(ElasticsearchEndpoint.hostClient("es"))
                .targetElasticsearch(ElasticsearchEndpoint.hostClient("es")).build())
                .isInstanceOfSatisfying(UpgradeException.class,
                        e -> assertThat(e.code()).isEqualTo(KuzzleErrorCode.INVALID_SETTINGS));
    }

    @Test
    void a_host_redis_client_carries_its_own_options_and_excludes_client_resources() {
        RedisClient redis = RedisClient.create();
        ClientResources resources = DefaultClientResources.create();
        try {
            assertThatThrownBy(() -> KuzzleUpgrade.builder().redisClient(redis).redisClientResources(resources).build())
                    .isInstanceOfSatisfying(UpgradeException.class,
                            e -> assertThat(e.getMessage()).contains("give one"));
            try (KuzzleUpgrade kuzzle = KuzzleUpgrade.builder().redisClient(redis).build()) {
                assertThatThrownBy(() -> kuzzle.upgradePlan(settings().sourceRedis(RedisURI.create("redis://127.0.0.1:9"))
                        .redisClientOptions(ClientOptions.create()).build()))
                        .isInstanceOfSatisfying(UpgradeException.class, e -> assertThat(e.getMessage())
                                .contains("set the options on that client"));
            }
        } finally {
            redis.shutdown();
            resources.shutdown();
        }
    }

    @Test
    void settings_are_required() {
        try (KuzzleUpgrade kuzzle = KuzzleUpgrade.create()) {
            assertThatThrownBy(() -> kuzzle.upgradePlan(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("settings");
        }
    }
}
