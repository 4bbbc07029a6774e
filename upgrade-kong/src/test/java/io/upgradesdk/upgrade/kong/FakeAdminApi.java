package io.upgradesdk.upgrade.kong;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A local HTTP server standing in for one Kong node's Admin API (GET /, /status, /status/ready). */
final class FakeAdminApi implements AutoCloseable {

    volatile String version;
    /** /status/ready answers 503 this many times before 200; negative = endpoint absent (404). */
    final AtomicInteger notReadyFor = new AtomicInteger();
    volatile boolean databaseReachable = true;
    volatile String lastToken;
    private final HttpServer server;

    FakeAdminApi(String initialVersion) throws IOException {
        this.version = initialVersion;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            lastToken = exchange.getRequestHeaders().getFirst("Kong-Admin-Token");
            int status = 200;
            String body;
            switch (path) {
                case "/" -> body = "{\"version\":\"" + version + "\",\"node_id\":\"node-1\",\"hostname\":\"fake\"}";
                case "/status" -> body = "{\"database\":{\"reachable\":" + databaseReachable + "},\"server\":{}}";
                case "/status/ready" -> {
                    int left = notReadyFor.get();
                    if (left < 0) {
                        status = 404;
                        body = "{\"message\":\"Not found\"}";
                    } else if (left > 0) {
                        notReadyFor.decrementAndGet();
                        status = 503;
                        body = "{\"message\":\"router builds not yet complete\"}";
                    } else {
                        body = "{\"message\":\"ready\"}";
                    }
                }
                default -> {
                    status = 404;
                    body = "{\"message\":\"Not found\"}";
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
