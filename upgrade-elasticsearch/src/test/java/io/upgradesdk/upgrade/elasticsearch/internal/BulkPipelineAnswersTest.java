package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import io.upgradesdk.upgrade.elasticsearch.internal.FakeElasticsearch.Answer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bulk answers of a copy's pipeline over HTTP: a busy target (HTTP 429 or rejected items) gets
 * the page again after a backoff, any other failure fails the copy at once, and an answer read only
 * up to its {@code errors} flag leaves its connection free for the next request.
 */
class BulkPipelineAnswersTest {

    private static final String WRITTEN = "{\"errors\":false,\"items\":[{\"index\":{\"status\":201}}]}";
    private static final String ITEMS_REJECTED = "{\"errors\":true,\"items\":[{\"index\":{\"status\":429,\"error\":"
            + "{\"type\":\"es_rejected_execution_exception\",\"reason\":\"busy\"}}}]}";

    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final List<Duration> backoffs = new CopyOnWriteArrayList<>();
    private final List<String> committed = new CopyOnWriteArrayList<>();
    private final CopyBudget budget = new CopyBudget();
    private final FakeElasticsearch target;
    private final EsClient client;

    BulkPipelineAnswersTest() throws IOException {
        target = new FakeElasticsearch(r -> r.is("POST", "/_bulk") ? answers.poll() : null);
        client = EsClient.connect(target.endpoint());
    }

    @AfterEach
    void close() {
        client.close();
        target.close();
    }

    private void writeOnePage() {
        try (BulkPipeline writes = new BulkPipeline(client, backoffs::add, () -> BulkPipeline.Concurrency.fixed(1),
                budget, PageSizer.fixed(1), committed::add, null, -1)) {
            byte[] body = "{\"index\":{\"_index\":\"users\",\"_id\":\"a\"}}\n{}\n".getBytes(StandardCharsets.UTF_8);
            writes.submit(new BulkPipeline.Page(body, List.of("users/a")), budget.acquirePage(), "cursor-1", 1, "users");
            writes.awaitAll();
        }
    }

    @Test
    void a_page_answered_busy_by_status_or_by_its_items_is_sent_again_after_a_backoff() {
        answers.add(new Answer(429, "{\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"busy\"},"
                + "\"status\":429}"));
        answers.add(Answer.ok(ITEMS_REJECTED));
        answers.add(Answer.ok(WRITTEN));

        writeOnePage();

        assertThat(target.requests("POST", "/_bulk")).hasSize(3);
        assertThat(backoffs).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(committed).containsExactly("cursor-1");
    }

    @Test
    void a_page_failing_otherwise_fails_the_copy_without_a_resend() {
        answers.add(new Answer(500, "{\"error\":{\"type\":\"illegal_state_exception\",\"reason\":\"broken\"}}"));

        assertThatThrownBy(this::writeOnePage).isInstanceOfSatisfying(UpgradeException.class, e -> {
            assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.REQUEST_FAILED);
            assertThat(e.getMessage()).contains("HTTP 500 illegal_state_exception: broken");
        });
        assertThat(target.requests("POST", "/_bulk")).hasSize(1);
        assertThat(backoffs).isEmpty();
        assertThat(committed).isEmpty();
    }

    @Test
    void a_page_answered_200_by_a_proxys_error_page_is_not_taken_for_written() {
        answers.add(Answer.ok("<html>502 Bad Gateway</html>"));

        assertThatThrownBy(this::writeOnePage).isInstanceOfSatisfying(UpgradeException.class, e -> {
            assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.REQUEST_FAILED);
            assertThat(e.getMessage()).contains("not at a proxy's error page");
        });
        assertThat(committed).isEmpty();
    }

    @Test
    void a_page_answered_200_with_json_that_is_no_bulk_answer_is_not_taken_for_written() {
        answers.add(Answer.ok("{\"acknowledged\":true}"));

        assertThatThrownBy(this::writeOnePage).isInstanceOfSatisfying(UpgradeException.class, e -> {
            assertThat(e.code()).isEqualTo(ElasticsearchErrorCode.REQUEST_FAILED);
            assertThat(e.getMessage()).contains("an answer without an errors flag is no bulk answer: it cannot say"
                    + " the page was written");
        });
        assertThat(target.requests("POST", "/_bulk")).hasSize(1);
        assertThat(committed).isEmpty();
    }

    @Test
    void answers_read_only_up_to_their_flag_leave_their_connections_free() {
        String items = String.join(",", Collections.nCopies(8_000, "{\"index\":{\"status\":201}}"));
        String bigAnswer = "{\"errors\":false,\"items\":[" + items + "]}";
        int requests = 40; // more than the client's 10 connections per host: a connection kept by an answer would block
        List<Object> read = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int i = 0; i < requests; i++) {
                answers.add(Answer.ok(bigAnswer));
                byte[] body = "{\"index\":{\"_index\":\"users\",\"_id\":\"a\"}}\n{}\n".getBytes(StandardCharsets.UTF_8);
                read.add(client.readNdjson("/_bulk", body, body.length, BulkAnswer::withErrors));
            }
        });
        assertThat(read).hasSize(requests).allSatisfy(answer -> assertThat(answer).isEqualTo(Optional.empty()));
        assertThat(target.requests("POST", "/_bulk")).hasSize(requests);
    }
}
