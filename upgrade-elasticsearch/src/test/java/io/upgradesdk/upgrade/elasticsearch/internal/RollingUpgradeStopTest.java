package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.elasticsearch.RollingUpgradeSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A stop requested while the gates of a node are checked ends the rolling upgrade before that node is touched. */
class RollingUpgradeStopTest {

    /** What the runner does after a saved cursor once a stop is requested. */
    static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** A context whose stop is requested by the test, and whose saveCursor then stops as the runner's does. */
    static final class StoppableContext implements StepContext {
        final AtomicBoolean stop = new AtomicBoolean();
        final List<String> saved = new ArrayList<>();
        /** The progress reports, "done/total message". */
        final List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public String planId() {
            return "plan";
        }

        @Override
        public String stepId() {
            return "rolling-upgrade";
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public boolean isDryRun() {
            return false;
        }

        @Override
        public Optional<String> cursor() {
            return saved.isEmpty() ? Optional.empty() : Optional.of(saved.get(saved.size() - 1));
        }

        @Override
        public void saveCursor(String cursor) {
            saved.add(cursor);
            if (stop.get()) {
                throw new Stopped();
            }
        }

        @Override
        public boolean stopRequested() {
            return stop.get();
        }

        @Override
        public void progress(long done, long total, String message) {
            progress.add(done + "/" + total + " " + message);
        }

        @Override
        public Secret secret(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }
    }

    @Test
    void aStopDuringTheGatesLeavesTheNextNodeUnpreparedAndUntouched() throws Exception {
        StoppableContext ctx = new StoppableContext();
        List<String> upgraded = new ArrayList<>();
        try (FakeElasticsearch es = new FakeElasticsearch(r -> {
            if (r.is("GET", "/_nodes")) {
                return FakeElasticsearch.Answer.ok("{\"nodes\":{\"a\":{\"name\":\"node-a\",\"version\":\"7.17.29\","
                        + "\"roles\":[\"master\",\"data\"]},\"b\":{\"name\":\"node-b\",\"version\":\"7.17.29\","
                        + "\"roles\":[\"master\",\"data\"]}}}");
            }
            if (r.is("GET", "/_cat/master")) {
                return FakeElasticsearch.Answer.ok("[{\"node\":\"node-b\"}]");
            }
            if (r.is("GET", "/_cluster/health")) {
                ctx.stop.set(true); // SIGTERM while the gates are checked
                return FakeElasticsearch.Answer.ok("{\"status\":\"green\",\"number_of_nodes\":2,"
                        + "\"initializing_shards\":0,\"relocating_shards\":0}");
            }
            return null;
        })) {
            RollingUpgradeStep step = new RollingUpgradeStep(RollingUpgradeSettings.builder(es.endpoint(), "8").build(),
                    upgraded::add, es.clients(), d -> { }, Duration.ofMillis(1));

            assertThatThrownBy(() -> step.execute(ctx)).isInstanceOf(Stopped.class);

            assertThat(upgraded).isEmpty();
            assertThat(es.requests("PUT", "/_cluster/settings")).isEmpty();
            assertThat(es.requests("POST", "/_flush")).isEmpty();
            assertThat(ctx.saved).hasSize(2).allSatisfy(c -> assertThat(c).doesNotContain("\"current\""));
        }
    }
}
