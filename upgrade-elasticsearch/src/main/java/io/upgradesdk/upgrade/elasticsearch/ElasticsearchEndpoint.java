package io.upgradesdk.upgrade.elasticsearch;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach one Elasticsearch cluster: one or more node URLs and the authentication (none,
 * basic, or an API key), optionally TLS with a custom CA certificate. Immutable; build with
 * {@link #builder()}.
 *
 * <p>Or a reference to a client the host configured itself ({@link #hostClient(String)}): the
 * settings name the cluster, and the host registers its {@code RestClient} or elasticsearch-java
 * {@code ElasticsearchClient} under that name on the entry point (e.g.
 * {@code ElasticsearchUpgrade.builder().client("orders", restClient)}). The host closes that client;
 * the SDK never does.
 *
 * <pre>{@code
 * ElasticsearchEndpoint source = ElasticsearchEndpoint.builder()
 *     .url("https://es7.example:9200")
 *     .basicAuth("elastic", Secret.of("es.password", password))
 *     .caCertificate(Path.of("/etc/es/ca.crt"))
 *     .build();
 * }</pre>
 */
public final class ElasticsearchEndpoint {

    private final List<URI> urls;
    private final String username;
    private final Secret password;
    private final Secret apiKey;
    private final Path caCertificate;
    private final Duration requestTimeout;
    private final String hostClientName;

    private ElasticsearchEndpoint(String hostClientName) {
        this.urls = List.of();
        this.username = null;
        this.password = null;
        this.apiKey = null;
        this.caCertificate = null;
        this.requestTimeout = Duration.ofSeconds(60);
        this.hostClientName = hostClientName;
    }

    private ElasticsearchEndpoint(Builder b) {
        this.hostClientName = null;
        this.urls = List.copyOf(b.urls);
        this.username = b.username;
        this.password = b.password;
        this.apiKey = b.apiKey;
        this.caCertificate = b.caCertificate;
        this.requestTimeout = b.requestTimeout;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** An endpoint without authentication, e.g. {@code http://127.0.0.1:9200}. */
    public static ElasticsearchEndpoint of(String url) {
        return builder().url(url).build();
    }

    /**
     * A cluster reached through a client the host hands in under {@code name} (the entry point's
     * {@code client(name, …)}); it has no URL nor credentials of its own. {@code name} stands for
     * the cluster in messages: never put credentials in it.
     */
    public static ElasticsearchEndpoint hostClient(String name) {
        requireNonNull(name, "name");
        if (name.isBlank()) {
            throw Builder.invalid("a host client's name is blank; give the name the client is registered under");
        }
        return new ElasticsearchEndpoint(name);
    }

    /** The name of the host-provided client this endpoint stands for, if it is one ({@link #hostClient}). */
    public Optional<String> hostClientName() {
        return Optional.ofNullable(hostClientName);
    }

    /**
     * True when both stand for the same cluster as far as the settings can tell: the same host
     * client name, or a node URL in common.
     */
    public boolean sameClusterAs(ElasticsearchEndpoint other) {
        requireNonNull(other, "other");
        if (hostClientName != null || other.hostClientName != null) {
            return Objects.equals(hostClientName, other.hostClientName);
        }
        return urls.stream().anyMatch(u -> other.urls.stream().anyMatch(v -> comparable(u).equals(comparable(v))));
    }

    private static String comparable(URI url) {
        return url.normalize().toString().replaceAll("/$", "");
    }

    /** The node URLs (empty for a {@link #hostClient host client}). */
    public List<URI> urls() {
        return urls;
    }

    /** The basic-auth user, if any. */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /** The basic-auth password, if any. */
    public Optional<Secret> password() {
        return Optional.ofNullable(password);
    }

    /** The API key (the base64 "encoded" form Elasticsearch returns), if any. */
    public Optional<Secret> apiKey() {
        return Optional.ofNullable(apiKey);
    }

    /** The PEM CA certificate trusted for https, if any (else the JVM's trust store). */
    public Optional<Path> caCertificate() {
        return Optional.ofNullable(caCertificate);
    }

    /** Timeout of one request. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** The first URL, or the host client's name, for messages (never contains credentials). */
    public String displayName() {
        return hostClientName != null ? "host client '" + hostClientName + "'" : urls.get(0).toString();
    }

    @Override
    public String toString() {
        if (hostClientName != null) {
            return "ElasticsearchEndpoint[host client " + hostClientName + "]";
        }
        return "ElasticsearchEndpoint[" + urls + (username != null ? ", basic " + username : "")
                + (apiKey != null ? ", api key" : "") + (caCertificate != null ? ", ca " + caCertificate : "") + "]";
    }

    /** Validating builder of {@link ElasticsearchEndpoint}. */
    public static final class Builder {
        private final List<URI> urls = new ArrayList<>();
        private String username;
        private Secret password;
        private Secret apiKey;
        private Path caCertificate;
        private Duration requestTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** Adds a node URL ({@code http://host:port} or {@code https://...}), without credentials. */
        public Builder url(String url) {
            requireNonNull(url, "url");
            URI uri;
            try {
                uri = URI.create(url.trim());
            } catch (IllegalArgumentException e) {
                throw invalid("'" + url + "' is not a URL; give one like http://127.0.0.1:9200");
            }
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw invalid("'" + url + "' is not an http(s) URL; give one like http://127.0.0.1:9200");
            }
            if (uri.getUserInfo() != null) {
                throw invalid("the URL " + uri.getHost() + " carries credentials; remove them and use basicAuth(...)");
            }
            urls.add(uri);
            return this;
        }

        /** Basic authentication. */
        public Builder basicAuth(String username, Secret password) {
            this.username = requireNonNull(username, "username");
            this.password = requireNonNull(password, "password");
            return this;
        }

        /** API-key authentication ({@code Authorization: ApiKey <encoded>}). */
        public Builder apiKey(Secret encodedApiKey) {
            this.apiKey = requireNonNull(encodedApiKey, "encodedApiKey");
            return this;
        }

        /** Trusts this PEM CA certificate for https. */
        public Builder caCertificate(Path pem) {
            this.caCertificate = requireNonNull(pem, "pem");
            return this;
        }

        /** Timeout of one request (default 60 s). */
        public Builder requestTimeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw invalid("requestTimeout must be positive, was " + timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        /** Builds the endpoint; fails with {@code ES_INVALID_CONFIGURATION} when incomplete. */
        public ElasticsearchEndpoint build() {
            if (urls.isEmpty()) {
                throw invalid("no URL given; call url(\"http://host:9200\")");
            }
            if (username != null && apiKey != null) {
                throw invalid("both basic auth and an API key are set; keep one");
            }
            if (caCertificate != null && !Files.isReadable(caCertificate)) {
                throw invalid("the CA certificate " + caCertificate + " is not readable; give the path of a PEM file");
            }
            return new ElasticsearchEndpoint(this);
        }

        private static UpgradeException invalid(String message) {
            return new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION, message);
        }
    }
}
