package io.upgradesdk.upgrade.elasticsearch;

import static java.util.Objects.requireNonNull;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.upgradesdk.upgrade.elasticsearch.internal.DocumentCopier;
import io.upgradesdk.upgrade.elasticsearch.internal.EsClient;
import java.util.Optional;
import org.elasticsearch.client.RestClient;

/**
 * A connection to one Elasticsearch cluster (5.6, 6.8, 7.x, 8.x) that works the same on every
 * version: JSON requests over the low-level REST client, the cluster's version detected on first
 * use. Failures are {@link io.upgradesdk.upgrade.UpgradeException}s with an
 * {@link ElasticsearchErrorCode}: an unreachable or busy cluster is transient, 401/403 is permanent
 * and says to check the credentials. Thread-safe; close it when done: that closes what
 * {@link #open} opened, never a client the host handed in with {@link #using}.
 *
 * <pre>{@code
 * try (ElasticsearchConnection es = ElasticsearchConnection.open(ElasticsearchEndpoint.of("http://127.0.0.1:9200"))) {
 *     int major = es.majorVersion();
 *     long n = es.send("POST", "/" + ElasticsearchConnection.encode("orders") + "/_count", null).path("count").asLong();
 * }
 * }</pre>
 *
 * @see DocumentCopy to copy documents between two connections
 */
public final class ElasticsearchConnection implements AutoCloseable {

    private final EsClient client;

    private ElasticsearchConnection(EsClient client) {
        this.client = client;
    }

    /**
     * Opens a connection to {@code endpoint} (authentication, TLS, request timeout); {@link #close()}
     * closes it. Fails with {@code ES_INVALID_CONFIGURATION} for a
     * {@link ElasticsearchEndpoint#hostClient host client} endpoint: use {@link #using} with the client.
     */
    public static ElasticsearchConnection open(ElasticsearchEndpoint endpoint) {
        return new ElasticsearchConnection(EsClient.connect(requireNonNull(endpoint, "endpoint")));
    }

    /**
     * A connection over a REST client the host owns: {@link #close()} leaves {@code rest} open.
     * {@code name} stands for the cluster in messages (never put credentials in it).
     */
    public static ElasticsearchConnection using(RestClient rest, String name) {
        return new ElasticsearchConnection(EsClient.borrowing(rest, name));
    }

    /**
     * A connection over the {@code RestClient} under an elasticsearch-java client the host owns
     * (one built on a {@code RestClientTransport}; the headers of its transport options are sent
     * too): {@link #close()} leaves the typed client and its transport open. Requests stay
     * version-tolerant JSON, not typed calls, so that 5.6 to 9.x clusters answer alike. Fails with
     * {@code ES_INVALID_CONFIGURATION} for another transport: hand in its {@code RestClient}.
     */
    public static ElasticsearchConnection using(ElasticsearchClient client, String name) {
        return new ElasticsearchConnection(EsClient.borrowing(client, name));
    }

    /** The cluster's name in messages: its first URL, without credentials. */
    public String name() {
        return client.name();
    }

    /** The version of the node answering, e.g. {@code 7.17.29}; asked once, then cached. */
    public String version() {
        return client.version().toString();
    }

    /** The major version of the node answering (5, 6, 7, 8, 9). */
    public int majorVersion() {
        return client.version().major();
    }

    /**
     * Sends a request and returns the JSON answer; fails on any non-2xx status. {@code body} is a
     * JSON string, a Jackson node, any value Jackson can serialise, or null. Path segments must be
     * {@link #encode encoded}.
     */
    public JsonNode send(String method, String path, Object body) {
        return client.send(method, path, body);
    }

    /** {@code GET path}, failing on any non-2xx status. */
    public JsonNode get(String path) {
        return client.get(path);
    }

    /** {@code GET path}, empty on 404. */
    public Optional<JsonNode> getIfExists(String path) {
        return client.getIfExists(path);
    }

    /** True when {@code HEAD path} answers 200 (e.g. {@code "/" + encode(index)} for an index). */
    public boolean exists(String path) {
        return client.exists(path);
    }

    /**
     * Sends a newline-delimited JSON body (a bulk request) and returns the answer, failing on a
     * non-2xx status. The caller checks the answer's {@code errors} flag.
     */
    public JsonNode sendNdjson(String path, String ndjson) {
        return client.sendNdjson(path, ndjson);
    }

    /** An index name (or pattern, or comma list) encoded as one URL path segment. */
    public static String encode(String name) {
        return DocumentCopier.enc(requireNonNull(name, "name"));
    }

    /** The engine's client, for the copy API of this package. */
    EsClient client() {
        return client;
    }

    @Override
    public String toString() {
        return "ElasticsearchConnection[" + name() + "]";
    }

    /** Closes the HTTP connections, unless they belong to the host ({@link #using}). */
    @Override
    public void close() {
        client.close();
    }
}
