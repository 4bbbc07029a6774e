package io.upgradesdk.upgrade.elasticsearch.internal;

import static java.util.Objects.requireNonNull;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.transport.TransportOptions;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpHost;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.message.BasicHeader;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * A small, version-tolerant Elasticsearch client: the low-level {@link RestClient} plus Jackson,
 * working the same against 5.6, 7.17 and 8.x (no typed API calls, no {@code GET /}). Failures
 * become {@link UpgradeException}s with {@link ElasticsearchErrorCode}s: unreachable and busy
 * clusters are transient, 401/403 are permanent and say to check the credentials.
 *
 * <p>Shared by the Elasticsearch and Kuzzle modules; not a public API.
 */
public final class EsClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ContentType NDJSON = ContentType.create("application/x-ndjson", StandardCharsets.UTF_8);

    /** Headers of a typed client's options that describe its own wire format, not the host's setup. */
    private static final Set<String> TYPED_CLIENT_WIRE_HEADERS = Set.of("accept", "content-type", "user-agent",
            "x-elastic-client-meta");

    private final RestClient rest;
    private final String name;
    private final boolean owner;
    private final RequestOptions options;
    private volatile EsVersion version;
    /** Characters of index names per request line (Elasticsearch refuses lines over 4 KB). */
    private static final int MAX_NAME_LIST = 3000;

    /** Wraps an existing RestClient (closing this client closes it). */
    public EsClient(RestClient rest, String name) {
        this(rest, name, true);
    }

    private EsClient(RestClient rest, String name, boolean owner, RequestOptions options) {
        this.rest = rest;
        this.name = name;
        this.owner = owner;
        this.options = options;
    }

    private EsClient(RestClient rest, String name, boolean owner) {
        this(rest, name, owner, RequestOptions.DEFAULT);
    }

    /** A view sharing this client's connections whose {@link #close()} does nothing. */
    public EsClient borrowed() {
        return new EsClient(rest, name, false, options);
    }

    /**
     * A client over a host's {@link RestClient} (its TLS, proxy, authentication, interceptors as the
     * host configured them): {@link #close()} leaves it open, the host closes it.
     */
    public static EsClient borrowing(RestClient rest, String name) {
        return new EsClient(requireNonNull(rest, "rest"), requireNonNull(name, "name"), false);
    }

    /**
     * A client over the low-level {@link RestClient} under a host's elasticsearch-java client (its
     * {@link RestClientTransport}), sending the headers of the client's options (e.g. a bearer
     * token set with {@code withTransportOptions}) with every request. {@link #close()} leaves the
     * typed client and its transport open.
     *
     * <p>Requests stay hand-built JSON rather than typed calls: the typed client speaks the 8.x
     * API with 8.x compatibility headers, which 5.6 and 6.8 sources (mapping types) and 7.17 nodes
     * do not all understand, while the SDK's steps must work on every one of them.
     */
    public static EsClient borrowing(ElasticsearchClient typed, String name) {
        requireNonNull(typed, "typed");
        requireNonNull(name, "name");
        if (!(typed._transport() instanceof RestClientTransport transport)) {
            throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION, "the ElasticsearchClient '"
                    + name + "' runs on a " + typed._transport().getClass().getSimpleName() + "; hand in one built on "
                    + "a RestClientTransport, or its low-level RestClient itself");
        }
        TransportOptions typedOptions = typed._transportOptions() != null ? typed._transportOptions()
                : transport.options();
        RequestOptions.Builder request = RequestOptions.DEFAULT.toBuilder();
        if (typedOptions != null) {
            for (var header : typedOptions.headers()) {
                if (!TYPED_CLIENT_WIRE_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                    request.addHeader(header.getKey(), header.getValue());
                }
            }
        }
        return new EsClient(transport.restClient(), name, false, request.build());
    }

    /**
     * Opens a client for an endpoint (auth, TLS with custom CA, request timeout); fails for a
     * {@link ElasticsearchEndpoint#hostClient host client}, which only the host can supply.
     */
    public static EsClient connect(ElasticsearchEndpoint endpoint) {
        if (endpoint.hostClientName().isPresent()) {
            throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION, endpoint.displayName()
                    + " has no URL to connect to; register the host's client under the name '"
                    + endpoint.hostClientName().get() + "' (e.g. ElasticsearchUpgrade.builder().client(name, restClient))"
                    + " or give the endpoint's URL");
        }
        HttpHost[] hosts = endpoint.urls().stream()
                .map(u -> new HttpHost(u.getHost(), port(u), u.getScheme())).toArray(HttpHost[]::new);
        RestClientBuilder b = RestClient.builder(hosts);
        if (endpoint.username().isPresent()) {
            String token = endpoint.username().get() + ":" + endpoint.password().get().reveal();
            b.setDefaultHeaders(new Header[] {new BasicHeader("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)))});
        } else if (endpoint.apiKey().isPresent()) {
            b.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "ApiKey " + endpoint.apiKey().get().reveal())});
        }
        int timeout = (int) Math.min(Integer.MAX_VALUE, endpoint.requestTimeout().toMillis());
        b.setRequestConfigCallback(rc -> rc.setConnectTimeout(Math.min(timeout, 10_000)).setSocketTimeout(timeout));
        if (endpoint.caCertificate().isPresent()) {
            SSLContext ssl = sslContext(endpoint);
            b.setHttpClientConfigCallback(h -> h.setSSLContext(ssl));
        }
        return new EsClient(b.build(), endpoint.displayName());
    }

    private static int port(URI u) {
        return u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 9200;
    }

    private static SSLContext sslContext(ElasticsearchEndpoint endpoint) {
        try (InputStream in = Files.newInputStream(endpoint.caCertificate().get())) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION, "cannot read the CA certificate "
                    + endpoint.caCertificate().get() + " (" + e.getMessage() + "); give a PEM X.509 certificate", e);
        }
    }

    /** The shared Jackson mapper. */
    public static ObjectMapper json() {
        return JSON;
    }

    /** The name used in messages (first URL). */
    public String name() {
        return name;
    }

    /** The low-level client. */
    public RestClient rest() {
        return rest;
    }

    /**
     * Of {@code names}, those that exist as an index (open or closed) or an alias: one request per
     * {@link #nameLists batch of names}, instead of one HEAD per name.
     */
    public Set<String> existing(Collection<String> names) {
        Set<String> found = new HashSet<>();
        for (String list : nameLists(names)) {
            JsonNode answer = get("/" + list + "/_alias?ignore_unavailable=true&allow_no_indices=true&expand_wildcards=all");
            answer.fields().forEachRemaining(index -> {
                found.add(index.getKey());
                index.getValue().path("aliases").fieldNames().forEachRemaining(found::add);
            });
        }
        Set<String> out = new LinkedHashSet<>(names);
        out.retainAll(found);
        return out;
    }

    /**
     * Index names URL-encoded and comma-joined, split so that each list stays well under
     * Elasticsearch's 4 KB limit on a request line.
     */
    public static List<String> nameLists(Collection<String> names) {
        List<String> lists = new ArrayList<>();
        StringBuilder list = new StringBuilder();
        for (String name : names) {
            String encoded = DocumentCopier.enc(name);
            if (list.length() > 0 && list.length() + 1 + encoded.length() > MAX_NAME_LIST) {
                lists.add(list.toString());
                list.setLength(0);
            }
            list.append(list.length() == 0 ? "" : ",").append(encoded);
        }
        if (list.length() > 0) {
            lists.add(list.toString());
        }
        return lists;
    }

    /** GET, failing on any non-2xx. */
    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    /** Sends a request with a JSON body (a String, a JsonNode or any Jackson-serialisable value, or null). */
    public JsonNode send(String method, String path, Object body) {
        EsResponse r = exchange(method, path, body);
        if (r.status() / 100 != 2) {
            throw failure(method, path, r.status(), r.body());
        }
        return r.body();
    }

    /** GET returning empty on 404. */
    public Optional<JsonNode> getIfExists(String path) {
        EsResponse r = exchange("GET", path, null);
        if (r.status() == 404) {
            return Optional.empty();
        }
        if (r.status() / 100 != 2) {
            throw failure("GET", path, r.status(), r.body());
        }
        return Optional.of(r.body());
    }

    /** True when HEAD/GET {@code path} answers 200. */
    public boolean exists(String path) {
        return exchange("HEAD", path, null).status() == 200;
    }

    /** Sends an NDJSON body (bulk). */
    public JsonNode sendNdjson(String path, String ndjson) {
        return sendNdjson(path, ndjson.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends an NDJSON body already encoded as UTF-8 (bulk), without copying it. */
    public JsonNode sendNdjson(String path, byte[] ndjson) {
        return sendNdjson(path, ndjson, ndjson.length);
    }

    /** Sends the first {@code length} bytes of {@code ndjson}, an NDJSON body encoded as UTF-8, without copying them. */
    public JsonNode sendNdjson(String path, byte[] ndjson, int length) {
        EsResponse r = perform(ndjsonRequest(path, ndjson, length), "POST", path);
        if (r.status() / 100 != 2) {
            throw failure("POST", path, r.status(), r.body());
        }
        return r.body();
    }

    /**
     * Like {@link #sendNdjson(String, byte[], int)}, with the successful answer read by {@code reader}
     * as it is parsed (see {@link #stream}) instead of into a tree; fails on any non-2xx answer as
     * {@code sendNdjson} does.
     */
    public <T> T readNdjson(String path, byte[] ndjson, int length, AnswerReader<T> reader) {
        return valueOrFailure(stream(ndjsonRequest(path, ndjson, length), "POST", path, reader), "POST", path);
    }

    private static Request ndjsonRequest(String path, byte[] ndjson, int length) {
        Request req = new Request("POST", path);
        req.setEntity(new ByteArrayEntity(ndjson, 0, length, NDJSON));
        return req;
    }

    /** Sends a request and returns status and body, failing only when the cluster is unreachable. */
    public EsResponse exchange(String method, String path, Object body) {
        return perform(jsonRequest(method, path, body), method, path);
    }

    private EsResponse perform(Request req, String method, String path) {
        Response response = execute(req, method, path);
        return new EsResponse(response.getStatusLine().getStatusCode(), bodyOf(response, method, path));
    }

    /**
     * Sends a request whose successful answer {@code reader} reads token by token as it is parsed,
     * without the answer's tree (a search page is megabytes: its tree was most of a copy's garbage);
     * an answer with another status is returned with its body instead, as {@link #exchange} does.
     *
     * <p>The reader may stop before the answer's end: the low-level client has received the whole
     * answer into memory and given its connection back before it returns, so the rest is dropped
     * when the answer's stream is closed here.
     */
    public <T> Streamed<T> stream(String method, String path, Object body, AnswerReader<T> reader) {
        return stream(jsonRequest(method, path, body), method, path, reader);
    }

    private <T> Streamed<T> stream(Request req, String method, String path, AnswerReader<T> reader) {
        Response response = execute(req, method, path);
        int status = response.getStatusLine().getStatusCode();
        if (status / 100 != 2) {
            return new Streamed<>(status, null, bodyOf(response, method, path));
        }
        HttpEntity entity = response.getEntity();
        try (InputStream in = entity == null ? InputStream.nullInputStream() : entity.getContent();
                JsonParser parser = JSON.createParser(in)) {
            return new Streamed<>(status, reader.read(parser), null);
        } catch (JsonProcessingException e) {
            throw new UpgradeException(ElasticsearchErrorCode.REQUEST_FAILED, name + " answered " + method + " " + path
                    + " with something other than the JSON expected (" + e.getOriginalMessage() + "); check that the"
                    + " URL points at Elasticsearch and not at a proxy's error page", e);
        } catch (IOException e) {
            throw unreadable(method, path, e);
        }
    }

    /** Like {@link #stream}, failing on any non-2xx answer as {@link #send} does. */
    public <T> T read(String method, String path, Object body, AnswerReader<T> reader) {
        return valueOrFailure(stream(method, path, body, reader), method, path);
    }

    private <T> T valueOrFailure(Streamed<T> answer, String method, String path) {
        if (answer.status() / 100 != 2) {
            throw failure(method, path, answer.status(), answer.failureBody());
        }
        return answer.value();
    }

    /** Reads a JSON answer from its parser, positioned before its first token. */
    @FunctionalInterface
    public interface AnswerReader<T> {
        T read(JsonParser answer) throws IOException;
    }

    /** A streamed answer: its status, and either what the reader made of it (2xx) or its body (any other status). */
    public record Streamed<T>(int status, T value, JsonNode failureBody) {
    }

    /** A request with {@code body} (a String, a JsonNode or any Jackson-serialisable value, or null) as JSON. */
    private static Request jsonRequest(String method, String path, Object body) {
        Request req = new Request(method, path);
        if (body != null) {
            String text;
            try {
                text = body instanceof String s ? s : JSON.writeValueAsString(body);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot serialise a request body", e);
            }
            req.setEntity(new StringEntity(text, ContentType.APPLICATION_JSON));
        }
        return req;
    }

    /** Performs a request and returns its answer whatever its status; fails only when the cluster cannot be reached. */
    private Response execute(Request req, String method, String path) {
        if (options != RequestOptions.DEFAULT) {
            req.setOptions(options);
        }
        Response response;
        try {
            response = rest.performRequest(req);
        } catch (ResponseException e) {
            response = e.getResponse();
        } catch (ConnectException e) {
            throw new UpgradeException(ElasticsearchErrorCode.UNREACHABLE, "Elasticsearch at " + name
                    + " is unreachable (" + e.getMessage() + "); check the URL and that the cluster is running", e);
        } catch (IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SSLException tls) {
                    throw tlsFailure(tls, method, path);
                }
            }
            throw new UpgradeException(ElasticsearchErrorCode.UNREACHABLE, "Elasticsearch at " + name
                    + " did not answer " + method + " " + path + " (" + e + "); check the URL, TLS settings and "
                    + "that the cluster is running", e);
        }
        return response;
    }

    private JsonNode bodyOf(Response response, String method, String path) {
        try {
            return response.getEntity() == null ? MissingNode.getInstance() : bodyOf(response.getEntity());
        } catch (IOException e) {
            throw unreadable(method, path, e);
        }
    }

    private UpgradeException unreadable(String method, String path, IOException e) {
        return new UpgradeException(ElasticsearchErrorCode.UNREACHABLE, "reading the answer of " + name
                + " to " + method + " " + path + " failed (" + e.getMessage() + "); retry", e);
    }

    /**
     * The answer's body: a JSON answer parsed straight from the client's buffer (a search page is
     * megabytes: copying it into an array first doubled the client's allocations per page), any
     * other one read as bytes and parsed if it is JSON, else kept as text; missing when empty.
     */
    private static JsonNode bodyOf(HttpEntity entity) throws IOException {
        JsonNode body;
        Header type = entity.getContentType();
        if (type != null && type.getValue().toLowerCase(Locale.ROOT).contains("json")) {
            try (InputStream in = entity.getContent()) {
                body = JSON.readTree(in);
            } catch (JsonProcessingException notJson) {
                body = JSON.getNodeFactory().textNode("(an answer labelled JSON that does not parse: "
                        + notJson.getOriginalMessage() + ")");
            }
        } else {
            byte[] bytes = EntityUtils.toByteArray(entity);
            if (bytes.length == 0) {
                return MissingNode.getInstance();
            }
            try {
                body = JSON.readTree(bytes);
            } catch (IOException notJson) {
                body = JSON.getNodeFactory().textNode(new String(bytes, StandardCharsets.UTF_8));
            }
        }
        return body == null || body.isMissingNode() ? MissingNode.getInstance() : body;
    }

    /** A certificate not trusted or a scheme mismatch is permanent; other TLS hiccups are transient. */
    private UpgradeException tlsFailure(SSLException e, String method, String path) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return new UpgradeException(ElasticsearchErrorCode.TLS_FAILED, "Elasticsearch at " + name
                        + " presented a certificate this client does not trust (" + t.getMessage() + "); give the "
                        + "cluster's CA certificate (PEM) with caCertificate(path), or check the host name in the URL", e);
            }
        }
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("unrecognized ssl message") || lower.contains("plaintext connection")) {
            return new UpgradeException(ElasticsearchErrorCode.TLS_FAILED, "Elasticsearch at " + name
                    + " does not speak TLS on this port (" + message + "); use an http:// URL, or enable TLS on the cluster", e);
        }
        return new UpgradeException(ElasticsearchErrorCode.UNREACHABLE, "the TLS connection to Elasticsearch at " + name
                + " failed during " + method + " " + path + " (" + message + "); retry, and check the TLS settings", e);
    }

    private static final Pattern VALUE_PREVIEW = Pattern.compile("(?s)[.,;]?\\s*(Preview of field's value|For input string)\\b.*");

    /**
     * An error reason without the document values Elasticsearch quotes in it ("Preview of field's
     * value: '...'" on 7.x/8.x, "For input string"), cut to 300 characters: a document may hold
     * secrets, and the message goes to logs and reports.
     */
    public static String withoutDocumentData(String reason) {
        String cut = VALUE_PREVIEW.matcher(reason).replaceFirst("");
        return cut.length() > 300 ? cut.substring(0, 300) + "..." : cut;
    }

    /** Maps a non-2xx answer to an UpgradeException naming the problem and the fix. */
    public UpgradeException failure(String method, String path, int status, JsonNode body) {
        String type = body.path("error").path("type").asText("");
        String reason = withoutDocumentData(body.path("error").path("reason").asText(body.isTextual() ? body.asText() : ""));
        String what = method + " " + path + " on " + name + " failed with HTTP " + status
                + (type.isEmpty() ? "" : " " + type) + (reason.isEmpty() ? "" : ": " + reason);
        if (status == 401 || status == 403) {
            return new UpgradeException(ElasticsearchErrorCode.AUTHENTICATION, what
                    + "; check credentials (user/password or API key) and the user's privileges");
        }
        if (status == 429 || status == 502 || status == 503 || status == 504) {
            return new UpgradeException(ElasticsearchErrorCode.UNAVAILABLE, what + "; the cluster is busy or not ready, retry later");
        }
        return new UpgradeException(ElasticsearchErrorCode.REQUEST_FAILED, what
                + "; fix the request or the cluster state named above");
    }

    /**
     * The version of the node answering ({@code GET /_nodes/_local}, which works on 5.x–8.x,
     * unlike {@code GET /} on 8.19's test distribution). Cached.
     */
    public EsVersion version() {
        EsVersion v = version;
        if (v == null) {
            EsResponse r = exchange("GET", "/_nodes/_local?filter_path=nodes.*.version", null);
            JsonNode nodes = r.body().path("nodes");
            if (r.status() / 100 == 2 && nodes.isObject() && nodes.size() > 0) {
                v = EsVersion.parse(nodes.elements().next().path("version").asText());
            } else if (r.status() == 401 || r.status() == 403 || r.status() / 100 == 5 || r.status() == 429) {
                throw failure("GET", "/_nodes/_local", r.status(), r.body());
            } else {
                throw new UpgradeException(ElasticsearchErrorCode.REQUEST_FAILED, name + " is not Elasticsearch: it"
                        + " answered GET /_nodes/_local with HTTP " + r.status() + " and no node versions; check the URL"
                        + " (scheme, host, port, no path) points at an Elasticsearch node");
            }
            version = v;
        }
        return v;
    }

    /** Clears the cached version (after a node restart). */
    public void forgetVersion() {
        version = null;
    }

    @Override
    public void close() {
        if (!owner) {
            return;
        }
        try {
            rest.close();
        } catch (IOException ignored) {
            // closing an HTTP pool
        }
    }

    /** A status and a parsed body ({@code MissingNode} when empty, a text node when not JSON). */
    public record EsResponse(int status, JsonNode body) {
    }
}
