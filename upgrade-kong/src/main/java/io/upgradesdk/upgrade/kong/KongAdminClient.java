package io.upgradesdk.upgrade.kong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * A tiny client of one Kong node's Admin API (or Status API) over {@link HttpClient}: {@code GET /}
 * (version, node id), {@code GET /status} ({@code database.reachable}) and {@code GET /status/ready}
 * (where present, 3.3+). An Admin token, if any, is sent as {@code Kong-Admin-Token}.
 */
public final class KongAdminClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@code GET /} says about the node. */
    public record NodeInfo(KongVersion version, String versionText, String nodeId, String hostname) {
    }

    /** Readiness of a node: {@code GET /status/ready}, or {@code /status} where the former is absent. */
    public record Readiness(boolean ready, String reason) {
    }

    private final URI base;
    private final HttpClient http;
    private final Secret token;
    private final Duration timeout;

    private KongAdminClient(URI base, HttpClient http, Secret token, Duration timeout) {
        this.base = base;
        this.http = http;
        this.token = token;
        this.timeout = timeout;
    }

    /** A client of the node at {@code base} (e.g. {@code http://10.0.0.5:8001}). */
    public static KongAdminClient of(URI base) {
        return of(base, newHttpClient(), null);
    }

    /** The HTTP client {@link #of(URI)} makes (5 s connect timeout); {@link KongUpgrade} shares one. */
    static HttpClient newHttpClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** With an injected {@link HttpClient} and an optional Admin token. */
    public static KongAdminClient of(URI base, HttpClient http, Secret token) {
        Objects.requireNonNull(base, "base");
        String s = base.toString();
        return new KongAdminClient(URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s),
                Objects.requireNonNull(http, "http"), token, Duration.ofSeconds(10));
    }

    public URI base() {
        return base;
    }

    /** {@code GET /}: the node's version and id. */
    public NodeInfo info() {
        JsonNode root = getJson("/", 200);
        if (root.path("version").isObject() && root.path("version").has("number")) {
            throw failure("/", base + " is an Elasticsearch node (version " + root.path("version").path("number").asText()
                    + "), not a Kong Admin API; give the Admin API of a Kong node (port 8001 by default)", null);
        }
        String version = root.path("version").isTextual() ? root.path("version").asText() : null;
        if (version == null || version.isBlank()) {
            throw failure("/", "the answer has no 'version' field; is " + base + " a Kong Admin API?", null);
        }
        return new NodeInfo(KongVersion.parse(version.replaceAll("-enterprise-edition$", "")), version,
                root.path("node_id").asText(null), root.path("hostname").asText(null));
    }

    /** {@code GET /status}: {@code database.reachable} (true when the node has no database, e.g. DB-less). */
    public boolean databaseReachable() {
        JsonNode root = getJson("/status", 200);
        JsonNode db = root.path("database");
        return db.isMissingNode() || db.path("reachable").asBoolean(false);
    }

    /**
     * {@code GET /status/ready}: 200 ready, 503 not ready (with Kong's reason); where the endpoint
     * does not exist (404, before 3.3), falls back to {@code /status} with a reachable database.
     */
    public Readiness readiness() {
        HttpResponse<String> response = get("/status/ready");
        if (response.statusCode() == 200) {
            return new Readiness(true, "ready");
        }
        if (response.statusCode() == 404) {
            return databaseReachable() ? new Readiness(true, "/status: database reachable")
                    : new Readiness(false, "/status: database not reachable");
        }
        String reason = "HTTP " + response.statusCode();
        try {
            reason = JSON.readTree(response.body()).path("message").asText(reason);
        } catch (IOException e) {
            // keep the status code
        }
        return new Readiness(false, reason);
    }

    private JsonNode getJson(String path, int expected) {
        HttpResponse<String> response = get(path);
        if (response.statusCode() != expected) {
            throw failure(path, "HTTP " + response.statusCode(), null);
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw failure(path, "the answer is not JSON", e);
        }
    }

    private HttpResponse<String> get(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET()
                .header("Accept", "application/json");
        if (token != null) {
            request.header("Kong-Admin-Token", token.reveal());
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UpgradeException(KongErrorCode.NODE_NOT_READY, "Kong Admin API " + base + path + " is unreachable: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ". Check the node is running and the admin_listen address", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException(UpgradeErrorCode.INTERRUPTED, "interrupted calling " + base + path);
        }
    }

    private UpgradeException failure(String path, String what, Throwable cause) {
        return new UpgradeException(KongErrorCode.KONG_COMMAND_FAILED, "Kong Admin API GET " + base + path + " failed: "
                + what + ". Check the URL points at the node's Admin API and the token is right", cause);
    }

    @Override
    public String toString() {
        return "KongAdminClient[" + base + (token == null ? "" : ", token ****") + "]";
    }
}
