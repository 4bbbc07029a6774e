package io.upgradesdk.upgrade.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.testservers.ElasticsearchServer;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradePlan;
import java.util.ArrayList;
import java.util.List;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The startup run keeps its checkpoint in Elasticsearch through the host's own {@code RestClient}
 * (the 8.19 node of test-servers): a second start finds the plan done and runs nothing. The client is
 * handed in as a supplier's bean of each context, so each context would close it: it is the host's
 * (test's) own here, built once and closed by the test.
 */
@Tag("integration")
class ElasticsearchStoreStartupIntegrationTest {

    @Test
    void a_restart_resumes_from_the_checkpoint_kept_in_elasticsearch() throws Exception {
        ElasticsearchServer es = ElasticsearchServer.get(ElasticsearchServer.V8);
        String index = es.newIndexPrefix("boot-store") + "-checkpoints";
        List<String> journal = new ArrayList<>();
        try (RestClient host = RestClient.builder(HttpHost.create(es.url())).build()) {
            ApplicationContextRunner contexts = new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(UpgradeAutoConfiguration.class))
                    .withBean("hostRestClient", RestClient.class, () -> host, bean -> bean.setDestroyMethodName(""))
                    .withBean(UpgradePlan.class, () -> TestPlans.oneStep("orders", journal))
                    .withPropertyValues("upgrade.store.type=elasticsearch", "upgrade.store.elasticsearch.index=" + index);

            contexts.run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(CheckpointStore.class).load("orders")).get()
                        .satisfies(c -> assertThat(c.step("up").state()).isEqualTo(StepState.SUCCEEDED));
            });
            contexts.run(context -> assertThat(context).hasNotFailed());

            assertThat(journal).as("the second start found the step done").containsExactly("orders/up");
            assertThat(host.isRunning()).isTrue();
        }
    }
}
