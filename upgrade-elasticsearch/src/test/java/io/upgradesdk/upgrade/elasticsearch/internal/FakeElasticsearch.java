package io.upgradesdk.upgrade.elasticsearch.internal;

import com.sun.net.httpserver.HttpServer;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * An HTTP server on 127.0.0.1 answering Elasticsearch requests from a routing function, so that a
 * step runs against its real client without a cluster. Every request is recorded.
 */
final class FakeElasticsearch implements AutoCloseable {

    /** A request as received: method, path with query, body (empty when none), headers (names in lower case). */
    record Request(String method, String uri, String body, Map<String, String> headers) {
        String path() {
            int q = uri.indexOf('?');
            return q < 0 ? uri : uri.substring(0, q);
        }

        boolean is(String method, String path) {
            return this.method.equals(method) && path().equals(path);
        }
    }

    /** A status and a JSON body. */
    record Answer(int status, String body) {
        static Answer ok(String body) {
            return new Answer(200, body);
        }
    }

    final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final HttpServer server;

    FakeElasticsearch(Function<Request, Answer> routes) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                    String.join(",", values)));
            Request r = new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(), body, headers);
            requests.add(r);
            Answer a = routes.apply(r);
            if (a == null) {
                a = new Answer(404, "{\"error\":\"no route in the fake for " + r.method() + " " + r.path() + "\"}");
            }
            byte[] bytes = r.method().equals("HEAD") ? new byte[0] : a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    ElasticsearchEndpoint endpoint() {
        return ElasticsearchEndpoint.of("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Opens a real client to this fake for any endpoint asked for. */
    Preflight.Clients clients() {
        ElasticsearchEndpoint self = endpoint();
        return e -> EsClient.connect(self);
    }

    List<Request> requests(String method, String path) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.is(method, path)).toList();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
