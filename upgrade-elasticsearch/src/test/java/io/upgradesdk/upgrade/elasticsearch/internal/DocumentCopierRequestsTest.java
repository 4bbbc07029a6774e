package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.elasticsearch.internal.FakeElasticsearch.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The fixed requests of a copy, which dominate the time of small collections (issue 18). */
class DocumentCopierRequestsTest {

    private static final String HIT = "{\"_index\":\"small\",\"_type\":\"t\",\"_id\":\"%d\",\"_source\":{\"n\":%d},"
            + "\"sort\":[\"t#%d\"]}";

    /** A 5.6 node holding index "small"; its searches answer the given pages of hits in turn, then none. */
    private static FakeElasticsearch source(int... pages) throws Exception {
        AtomicInteger searches = new AtomicInteger();
        AtomicInteger id = new AtomicInteger();
        return new FakeElasticsearch(r -> switch (r.path()) {
            case "/_nodes/_local" -> Answer.ok("{\"nodes\":{\"x\":{\"version\":\"5.6.16\"}}}");
            case "/_cat/indices/small" -> Answer.ok("[{\"index\":\"small\"}]");
            case "/small/_count" -> Answer.ok("{\"count\":3}");
            case "/small/_cache/clear" -> Answer.ok("{}");
            case "/small/_search" -> {
                int page = searches.getAndIncrement();
                List<String> hits = new ArrayList<>();
                for (int i = 0; page < pages.length && i < pages[page]; i++) {
                    int n = id.getAndIncrement();
                    hits.add(HIT.formatted(n, n, n));
                }
                yield Answer.ok("{\"hits\":{\"hits\":[" + String.join(",", hits) + "]}}");
            }
            default -> null;
        });
    }

    private static FakeElasticsearch target() throws Exception {
        return new FakeElasticsearch(r -> switch (r.path()) {
            case "/_nodes/_local" -> Answer.ok("{\"nodes\":{\"x\":{\"version\":\"7.17.29\"}}}");
            case "/_nodes/os" -> Answer.ok("{\"nodes\":{\"x\":{\"roles\":[\"data\"],\"os\":{\"allocated_processors\":4}}}}");
            case "/_bulk" -> Answer.ok("{\"errors\":false}");
            default -> null;
        });
    }

    @Test
    void a_collection_that_fits_in_one_page_costs_one_listing_one_count_one_search_one_bulk() throws Exception {
        try (FakeElasticsearch src = source(3); FakeElasticsearch dst = target();
                EsClient from = EsClient.connect(src.endpoint()); EsClient to = EsClient.connect(dst.endpoint())) {
            DocumentCopier.Result r = DocumentCopier.builder(from, to).sourceIndex("small").targetIndex("out")
                    .refresh(false).build().copy(null, c -> { }, (read, total, index) -> { });

            assertThat(r.written()).isEqualTo(3);
            assertThat(src.requests("GET", "/_cat/indices/small")).as("the indices are listed once").hasSize(1);
            assertThat(src.requests("POST", "/small/_count")).hasSize(1);
            assertThat(src.requests("POST", "/small/_search")).as("a short page ends the index").hasSize(1);
            assertThat(dst.requests("POST", "/_bulk")).hasSize(1);
            assertThat(dst.requests("GET", "/_nodes/os")).as("no concurrency to choose for one page").isEmpty();
        }
    }

    @Test
    void a_copy_of_several_pages_asks_the_target_once_for_its_processors() throws Exception {
        try (FakeElasticsearch src = source(1, 1, 1); FakeElasticsearch dst = target();
                EsClient from = EsClient.connect(src.endpoint()); EsClient to = EsClient.connect(dst.endpoint())) {
            DocumentCopier.Result r = DocumentCopier.builder(from, to).sourceIndex("small").targetIndex("out")
                    .batchSize(1).refresh(false).build().copy(null, c -> { }, null);

            assertThat(r.written()).isEqualTo(3);
            assertThat(dst.requests("POST", "/_bulk")).hasSize(3);
            assertThat(dst.requests("GET", "/_nodes/os")).hasSize(1);
        }
    }
}
