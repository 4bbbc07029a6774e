package io.upgradesdk.testservers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("integration")
class ElasticsearchServerTest {

    @ParameterizedTest
    @ValueSource(strings = {ElasticsearchServer.V5, ElasticsearchServer.V7, ElasticsearchServer.V8, ElasticsearchServer.V9})
    void startsEachVersionOnceAndIndexes(String version) {
        ElasticsearchServer es = ElasticsearchServer.get(version);
        assertThat(ElasticsearchServer.get(version)).isSameAs(es);
        assertThat(es.request("GET", "/_nodes/_local", null).ok().body()).contains("\"version\":\"" + version + "\"");
        String index = es.newIndexPrefix("smoke") + "docs";
        String type = version.startsWith("5.") ? "doc" : "_doc";
        es.request("PUT", "/" + index + "/" + type + "/1?refresh=true", "{\"a\":1}").ok();
        assertThat(es.request("GET", "/" + index + "/_count", null).ok().body()).contains("\"count\":1");
    }
}
