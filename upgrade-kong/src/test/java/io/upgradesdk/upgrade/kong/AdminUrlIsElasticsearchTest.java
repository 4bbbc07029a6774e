package io.upgradesdk.upgrade.kong;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** An Elasticsearch node given as a Kong Admin URL is named as such (issue #15, item 9), not "'' is not a Kong version". */
class AdminUrlIsElasticsearchTest {

    @Test
    void anElasticsearchNodeAsTheAdminUrlIsSaidToBeElasticsearch() throws Exception {
        HttpServer es = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        es.createContext("/", exchange -> {
            byte[] body = ("{\"name\":\"node-1\",\"cluster_name\":\"es\",\"version\":{\"number\":\"7.17.29\"},"
                    + "\"tagline\":\"You Know, for Search\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        es.start();
        try {
            KongAdminClient client = KongAdminClient.of(URI.create("http://127.0.0.1:" + es.getAddress().getPort()));

            assertThatThrownBy(client::info).hasMessageContaining("is an Elasticsearch node (version 7.17.29)")
                    .hasMessageContaining("not a Kong Admin API").hasMessageNotContaining("is not a Kong version");
        } finally {
            es.stop(0);
        }
    }
}
