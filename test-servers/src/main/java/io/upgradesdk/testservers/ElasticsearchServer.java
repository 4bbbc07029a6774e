package io.upgradesdk.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real Elasticsearch nodes on 127.0.0.1 for integration tests, from the "integ-test-zip"
 * distributions on Maven Central (resolved through {@code mvn}, unpacked into a machine-wide cache;
 * see {@link #V5}, {@link #V6}, {@link #V7}, {@link #V8}, {@link #V9}).
 *
 * <ul>
 *   <li>{@link #get(String)}: the JVM's shared single-node server of a version, started on first
 *       use (10–20 s) and reused by every test class; give each test its own indices with
 *       {@link #newIndexPrefix(String)}.</li>
 *   <li>{@link #newNode(String)} / {@link #newCluster(String, int)}: dedicated nodes a test may
 *       stop, kill and restart with another version on the same data directory (rolling upgrade).
 *       Close them when done.</li>
 * </ul>
 * Every node has the same {@code path.repo} ({@link #repoRoot()}), so a snapshot taken on one node
 * can be restored on another. Security is off (plain HTTP) except on nodes made by
 * {@link #newTlsNode(String, String, Map)} (HTTPS, file-realm users). When the JVM runs as root the nodes run
 * as the system user {@code elasticsearch} (created with useradd when missing). Heap: 256m, or the
 * system property {@code es.heap}. Everything is stopped and removed at JVM exit; making a node
 * also stops and removes the {@code /tmp/es-ts-*} nodes of test JVMs that died without running
 * their shutdown hook (SIGKILL, timeouts): see {@link OrphanReaper}.
 */
public final class ElasticsearchServer {

    /** Newest 5.6 (multi-type indices; Kuzzle 1.x). */
    public static final String V5 = "5.6.16";
    /** Newest 6.8: its indices are readable by 7.x, not by 8.x (start it, then restart the node on 7.17). */
    public static final String V6 = "6.8.23";
    /** Newest 7.17. */
    public static final String V7 = "7.17.29";
    /** Newest 8.x. */
    public static final String V8 = "8.19.21";
    /**
     * Newest 9.x that resolves from Maven Central (9.2.4; 9.2.0 is older than the 8.19.21 patch and
     * cannot read its snapshots). Runs on a Java 21+ JDK: {@code ES_JAVA_HOME}, else the newest
     * under {@code /usr/lib/jvm}.
     */
    public static final String V9 = "9.2.4";

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchServer.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<String, ElasticsearchServer> SHARED = new HashMap<>();
    private static final List<ElasticsearchNode> NODES = new ArrayList<>();
    private static final Set<Integer> PORTS = new HashSet<>();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    static final String DIR_PREFIX = "es-ts-";
    private static final Path TMP = Path.of("/tmp");
    private static Path root;
    private static String user;

    private final ElasticsearchNode node;

    private ElasticsearchServer(ElasticsearchNode node) {
        this.node = node;
    }

    /** The JVM's shared single-node server of {@code version}, started on first call. */
    public static ElasticsearchServer get(String version) {
        synchronized (SHARED) {
            ElasticsearchServer s = SHARED.get(version);
            if (s == null) {
                ElasticsearchNode n = newNode(version, "shared-" + version.replace('.', '-'), List.of(), List.of(), "");
                n.start(version);
                s = new ElasticsearchServer(n);
                SHARED.put(version, s);
            }
            return s;
        }
    }

    /** The version this server runs. */
    public String version() {
        return node.version();
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return node.port();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return node.url();
    }

    /** The node behind this server (do not stop it: it is shared). */
    public ElasticsearchNode node() {
        return node;
    }

    /**
     * A fresh index-name prefix for one test, e.g. {@code t-copytest-3-1a2b3c4d-}: lower case,
     * unique in the JVM and across runs.
     */
    public String newIndexPrefix(String hint) {
        String clean = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (clean.length() > 24) {
            clean = clean.substring(0, 24);
        }
        return "t-" + clean + "-" + COUNTER.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    /** A plain HTTP call to this server (JSON body or null); for test set-up and assertions. */
    public Response request(String method, String path, String jsonBody) {
        return node.request(method, path, jsonBody);
    }

    /** The directory every node accepts for {@code fs} snapshot repositories ({@code path.repo}). */
    public static Path repoRoot() {
        return base().resolve("repo");
    }

    /** A fresh, empty directory under {@link #repoRoot()}, writable by the nodes. */
    public static Path newRepoDir(String hint) {
        Path p = repoRoot().resolve(hint.replaceAll("[^A-Za-z0-9_-]", "") + "-" + COUNTER.incrementAndGet() + "-"
                + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectories(p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A dedicated single node of {@code version} (not started). */
    public static ElasticsearchNode newNode(String version) {
        return newNode(version, "n" + COUNTER.incrementAndGet(), List.of(), List.of(), "");
    }

    /** A dedicated single node with extra elasticsearch.yml lines (not started). */
    public static ElasticsearchNode newNode(String version, String extraYml) {
        return newNode(version, "n" + COUNTER.incrementAndGet(), List.of(), List.of(), extraYml);
    }

    /**
     * A dedicated single node with extra elasticsearch.yml lines and extra files in its config
     * directory (e.g. {@code users} and {@code users_roles} of the file realm), rewritten at every
     * start (not started).
     */
    public static ElasticsearchNode newNode(String version, String extraYml, Map<String, String> configFiles) {
        ElasticsearchDistribution.major(version);
        return create(version, "n" + COUNTER.incrementAndGet(), "n" + COUNTER.get(), freePort(), freePort(), List.of(),
                List.of(), extraYml, configFiles);
    }

    /**
     * Starts a new cluster of {@code size} master-eligible data nodes of {@code version} (in
     * parallel) and waits until all joined.
     */
    public static ElasticsearchCluster newCluster(String version, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("cluster size must be at least 1");
        }
        if (size == 1) {
            return new ElasticsearchCluster(List.of(newNode(version).start(version)));
        }
        String cluster = "c" + COUNTER.incrementAndGet();
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(new int[] {freePort(), freePort()});
        }
        List<String> seeds = ports.stream().map(p -> "127.0.0.1:" + p[1]).toList();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            names.add(cluster + "-node" + i);
        }
        List<ElasticsearchNode> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            nodes.add(create(version, names.get(i), cluster, ports.get(i)[0], ports.get(i)[1], seeds, names, "", Map.of()));
        }
        for (ElasticsearchNode n : nodes) {
            n.startAsync(version);
        }
        for (ElasticsearchNode n : nodes) {
            n.awaitReady(Duration.ofSeconds(240));
        }
        ElasticsearchCluster c = new ElasticsearchCluster(nodes);
        c.awaitNodes(size, Duration.ofSeconds(120));
        return c;
    }

    private static ElasticsearchNode newNode(String version, String name, List<String> seeds, List<String> masters,
            String extraYml) {
        ElasticsearchDistribution.major(version);
        return create(version, name, name, freePort(), freePort(), seeds, masters, extraYml, Map.of());
    }

    /**
     * Config files of the file realm ({@code users}, {@code users_roles}) holding one superuser
     * with {@code password} (as an unsalted SHA-1 hash, which the file realm accepts), for
     * {@link #newNode(String, String, Map)} or {@link #newTlsNode(String, String, Map)}.
     */
    public static Map<String, String> fileRealmSuperuser(String user, String password) {
        try {
            String sha = "{SHA}" + java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest
                    .getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8)));
            return Map.of("users", user + ":" + sha + "\n", "users_roles", "superuser:" + user + "\n");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A dedicated 8.x node with security on and HTTPS only, presenting a self-signed certificate
     * made by openssl ({@link ElasticsearchNode#tlsCertificate()}), plus extra elasticsearch.yml lines
     * and config files such as the file realm's {@code users} (not started).
     */
    public static ElasticsearchNode newTlsNode(String version, String extraYml, Map<String, String> configFiles) {
        if (ElasticsearchDistribution.major(version) < 8) {
            throw new IllegalArgumentException("TLS nodes are 8.x only (the 5.x/7.x test zips have no security)");
        }
        String name = "n" + COUNTER.incrementAndGet();
        SelfSignedCertificate cert = SelfSignedCertificate.create(base().resolve(name + "-tls"));
        Map<String, String> files = new HashMap<>(configFiles);
        try {
            files.put("http.crt", Files.readString(cert.certificate()));
            files.put("http.key", Files.readString(cert.privateKey()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String yml = String.join("\n", "xpack.security.enabled: true", "xpack.security.http.ssl.enabled: true",
                "xpack.security.http.ssl.certificate: http.crt", "xpack.security.http.ssl.key: http.key",
                "xpack.security.transport.ssl.enabled: false", extraYml == null ? "" : extraYml);
        ElasticsearchNode n = create(version, name, name, freePort(), freePort(), List.of(), List.of(), yml, files);
        n.useTls(cert);
        return n;
    }

    private static ElasticsearchNode create(String version, String name, String cluster, int http, int transport,
            List<String> seeds, List<String> masters, String extraYml, Map<String, String> configFiles) {
        OrphanReaper.reap(List.of(TMP), DIR_PREFIX, OrphanReaper.GRACE);
        Path dir = base().resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ElasticsearchNode n = new ElasticsearchNode(name, cluster, dir, http, transport, seeds, masters,
                System.getProperty("es.heap", "256m"), repoRoot(), extraYml, configFiles);
        synchronized (NODES) {
            NODES.add(n);
        }
        return n;
    }

    /** JVM-wide base dir under /tmp (reachable by the elasticsearch user), removed at exit. */
    private static synchronized Path base() {
        if (root == null) {
            try {
                Path r = Files.createTempDirectory(TMP, DIR_PREFIX);
                OrphanReaper.claim(r);
                Files.setPosixFilePermissions(r, PosixFilePermissions.fromString("rwxr-xr-x"));
                Path repo = Files.createDirectories(r.resolve("repo"));
                Files.setPosixFilePermissions(repo, PosixFilePermissions.fromString("rwxrwxrwx"));
                root = r;
                Runtime.getRuntime().addShutdownHook(new Thread(ElasticsearchServer::stopAll, "elasticsearch-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temp dir for Elasticsearch under /tmp", e);
            }
        }
        return root;
    }

    private static void stopAll() {
        List<ElasticsearchNode> all;
        synchronized (NODES) {
            all = new ArrayList<>(NODES);
        }
        all.parallelStream().forEach(ElasticsearchNode::stop);
        try {
            if (root != null && !Boolean.getBoolean("es.keep")) {
                ElasticsearchDistribution.deleteTree(root);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove {}: {}", root, e.toString());
        }
    }

    /** Creates the system user the nodes run as when the JVM is root; returns its name. */
    static synchronized String ensureUser() {
        if (user == null) {
            String name = System.getenv().getOrDefault("ES_USER", "elasticsearch");
            try {
                PostgresProcess.run(List.of("id", "-u", name), List.of(), Path.of("/tmp"), 10);
            } catch (IllegalStateException missing) {
                LOG.info("creating system user {}", name);
                try {
                    PostgresProcess.run(List.of("useradd", "--system", "--user-group", "--no-create-home",
                            "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name), List.of(),
                            Path.of("/tmp"), 30);
                } catch (IllegalStateException raced) {
                    PostgresProcess.run(List.of("id", "-u", name), List.of(), Path.of("/tmp"), 10);
                }
            }
            user = name;
        }
        return user;
    }

    static int freePort() {
        synchronized (PORTS) {
            for (int i = 0; i < 50; i++) {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    int p = s.getLocalPort();
                    if (PORTS.add(p)) {
                        return p;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("no free port on 127.0.0.1", e);
                }
            }
        }
        throw new IllegalStateException("no free port on 127.0.0.1");
    }

    /** An HTTP answer: status and body. */
    public record Response(int status, String body) {
        /** Fails unless the status is 2xx; returns this. */
        public Response ok() {
            if (status < 200 || status > 299) {
                throw new IllegalStateException("HTTP " + status + ": " + body);
            }
            return this;
        }
    }

    static Response request(String baseUrl, String method, String path, String body, String contentType) {
        return request(HTTP, baseUrl, method, path, body, contentType);
    }

    static Response request(HttpClient client, String baseUrl, String method, String path, String body,
            String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(300))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + baseUrl + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "ElasticsearchServer[" + version() + " " + url() + "]";
    }
}
