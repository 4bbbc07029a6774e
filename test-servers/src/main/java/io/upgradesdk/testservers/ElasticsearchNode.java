package io.upgradesdk.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real Elasticsearch node process on 127.0.0.1 with its own directory ({@code config/},
 * {@code data/}, {@code logs/}, {@code tmp/}). The node can be stopped, killed and started again on
 * the same data directory, with the same or another version ({@link #start(String)}: that is a
 * rolling-upgrade step). Security is off (plain HTTP, no auth) unless {@code extraYml} turns it on.
 *
 * <p>Created through {@link ElasticsearchServer#newNode(String)} or
 * {@link ElasticsearchServer#newCluster(String, int)}; every node is stopped at JVM exit.
 */
public final class ElasticsearchNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchNode.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final String clusterName;
    private final Path dir;
    private final int httpPort;
    private final int transportPort;
    private final List<String> seedHosts;
    private final List<String> initialMasters;
    private final String heap;
    private final Path repoRoot;
    private final String extraYml;
    private final java.util.Map<String, String> configFiles;
    private volatile String version;
    private volatile long pid = -1;
    private volatile boolean bootstrapped;
    private volatile SelfSignedCertificate tls;
    private volatile HttpClient http = HTTP;

    ElasticsearchNode(String name, String clusterName, Path dir, int httpPort, int transportPort,
            List<String> seedHosts, List<String> initialMasters, String heap, Path repoRoot, String extraYml,
            java.util.Map<String, String> configFiles) {
        this.name = name;
        this.clusterName = clusterName;
        this.dir = dir;
        this.httpPort = httpPort;
        this.transportPort = transportPort;
        this.seedHosts = List.copyOf(seedHosts);
        this.initialMasters = List.copyOf(initialMasters);
        this.heap = heap;
        this.repoRoot = repoRoot;
        this.extraYml = extraYml == null ? "" : extraYml;
        this.configFiles = java.util.Map.copyOf(configFiles);
    }

    /** node.name. */
    public String name() {
        return name;
    }

    /** The HTTP port on 127.0.0.1. */
    public int port() {
        return httpPort;
    }

    /** The transport port on 127.0.0.1. */
    public int transportPort() {
        return transportPort;
    }

    /** {@code http://127.0.0.1:<port>}, or {@code https://} for a TLS node. */
    public String url() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + httpPort;
    }

    /** The self-signed certificate a TLS node presents (PEM; the CA for clients), else null. */
    public Path tlsCertificate() {
        return tls == null ? null : tls.certificate();
    }

    /** Serves HTTPS with {@code certificate}; this node's own test calls trust it. */
    void useTls(SelfSignedCertificate certificate) {
        this.tls = certificate;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .sslContext(certificate.trustingContext()).build();
    }

    /** The version the node runs (or ran last). */
    public String version() {
        return version;
    }

    /** The node's directory (its data is in {@code data/}). */
    public Path dir() {
        return dir;
    }

    /** The pid of the running node, or -1. */
    public long pid() {
        return pid;
    }

    /** Whether the node process is alive. */
    public boolean isRunning() {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Starts the node with {@code version} on its data directory (config regenerated) and waits
     * until it answers HTTP and its cluster is at least yellow. Refused while it runs.
     */
    public synchronized ElasticsearchNode start(String version) {
        startAsync(version);
        awaitReady(Duration.ofSeconds(180));
        return this;
    }

    /** Launches the node without waiting; call {@link #awaitReady(Duration)} afterwards. */
    synchronized void startAsync(String newVersion) {
        if (isRunning()) {
            throw new IllegalStateException("node " + name + " already runs " + version + "; stop() it first");
        }
        int major = ElasticsearchDistribution.major(newVersion);
        Path dist = ElasticsearchDistribution.ensure(newVersion);
        try {
            writeConfig(newVersion, major, dist);
            Path console = dir.resolve("logs/console.log");
            Files.writeString(console, "");
            Files.deleteIfExists(dir.resolve("es.pid"));
            if (PostgresProcess.isRoot()) {
                PostgresProcess.run(List.of("chown", "-R", ElasticsearchServer.ensureUser() + ":", dir.toString()),
                        List.of(), dir, 60);
            }
            List<String> cmd = new ArrayList<>(List.of("setsid"));
            if (PostgresProcess.isRoot()) {
                cmd.addAll(PostgresProcess.asUser(ElasticsearchServer.ensureUser()));
            }
            Path conf = dir.resolve("config");
            cmd.addAll(List.of("env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "HOME=" + dir, "LANG=C.UTF-8", "JAVA_HOME=" + javaHome(major), "ES_JAVA_HOME=" + javaHome(major),
                    "ES_TMPDIR=" + dir.resolve("tmp"), "CLI_JAVA_OPTS=-Djava.io.tmpdir=" + dir.resolve("tmp")));
            if (major == 5) {
                cmd.add("ES_JVM_OPTIONS=" + conf.resolve("jvm.options"));
                cmd.addAll(List.of(dist.resolve("bin/elasticsearch").toString(), "-Epath.conf=" + conf));
            } else {
                cmd.add("ES_PATH_CONF=" + conf);
                cmd.add(dist.resolve("bin/elasticsearch").toString());
                if (major >= 8) {
                    cmd.add("-d");
                }
            }
            cmd.addAll(List.of("-p", dir.resolve("es.pid").toString()));
            Process launcher = new ProcessBuilder(cmd).directory(dir.resolve("tmp").toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            this.version = newVersion;
            this.pid = major >= 8 ? -1 : launcher.pid();
            this.launcher = launcher;
            this.startedAt = System.nanoTime();
            LOG.info("starting Elasticsearch {} node {} on 127.0.0.1:{} (transport {}), dir {}", newVersion, name,
                    httpPort, transportPort, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Elasticsearch " + newVersion + " in " + dir, e);
        }
    }

    private Process launcher;
    private long startedAt;

    /** Waits until the launched node answers HTTP and (for single nodes) is at least yellow. */
    synchronized void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path console = dir.resolve("logs/console.log");
        while (true) {
            int code = statusOf("GET", "/");
            if (code > 0) {
                break;
            }
            boolean launcherDead = launcher != null && !launcher.isAlive();
            if (launcherDead && (ElasticsearchDistribution.major(version) < 8 || launcher.exitValue() != 0)) {
                fail("the Elasticsearch process exited (rc=" + launcher.exitValue() + ")", console);
            }
            if (launcherDead && readPid() > 0 && !ProcessHandle.of(readPid()).map(ProcessHandle::isAlive).orElse(false)) {
                fail("the Elasticsearch node process exited", console);
            }
            if (System.nanoTime() > deadline) {
                fail("no HTTP answer on 127.0.0.1:" + httpPort + " within " + timeout.toSeconds() + " s", console);
            }
            sleep(250);
        }
        if (ElasticsearchDistribution.major(version) >= 8) {
            try {
                launcher.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long p = -1;
        for (int i = 0; i < 80 && (p = readPid()) <= 0; i++) {
            sleep(250);
        }
        if (p > 0) {
            pid = p;
            OrphanReaper.recordServer(dir.getParent(), p);
        }
        if (seedHosts.isEmpty() || !bootstrapped) {
            request("GET", "/_cluster/health?wait_for_status=yellow&timeout=" + Math.max(1, timeout.toSeconds()) + "s", null);
        }
        bootstrapped = true;
        LOG.info("Elasticsearch {} node {} answers on {} (pid {}) after {} ms", version, name, url(), pid,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
    }

    private void fail(String why, Path console) {
        String logs = ElasticsearchDistribution.tail(console, 25);
        stop();
        throw new IllegalStateException("Elasticsearch " + version + " node " + name + " did not start: " + why
                + " (logs: " + dir.resolve("logs") + ")\n" + logs);
    }

    /** Stops the node (SIGTERM, SIGKILL after 60 s) and waits for it to exit. Idempotent. */
    public synchronized void stop() {
        signal(false);
    }

    /** Kills the node (SIGKILL), like a crash. */
    public synchronized void kill() {
        signal(true);
    }

    private void signal(boolean kill) {
        long p = pid > 0 ? pid : readPid();
        Optional<ProcessHandle> handle = p > 0 ? ProcessHandle.of(p) : Optional.empty();
        if (handle.isPresent() && handle.get().isAlive()) {
            if (kill) {
                handle.get().destroyForcibly();
            } else {
                handle.get().destroy();
            }
            try {
                handle.get().onExit().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.get().destroyForcibly();
                try {
                    handle.get().onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    LOG.warn("Elasticsearch pid {} did not exit", p);
                }
            }
        }
        if (launcher != null && launcher.isAlive()) {
            launcher.destroyForcibly();
        }
        pid = -1;
        try {
            Files.deleteIfExists(dir.resolve("es.pid"));
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Stops the node; its directory is removed at JVM exit. */
    @Override
    public void close() {
        stop();
    }

    /** A plain HTTP call to this node (JSON body or null); for test set-up and assertions. */
    public ElasticsearchServer.Response request(String method, String path, String jsonBody) {
        return ElasticsearchServer.request(http, url(), method, path, jsonBody, "application/json");
    }

    private int statusOf(String method, String path) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(2))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build();
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private long readPid() {
        try {
            return Long.parseLong(Files.readString(dir.resolve("es.pid")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private void writeConfig(String v, int major, Path dist) throws IOException {
        for (String sub : List.of("data", "logs", "tmp")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Path conf = dir.resolve("config");
        ElasticsearchDistribution.deleteTree(conf);
        Files.createDirectories(conf);
        List<String> jvm;
        try (Stream<String> lines = Files.lines(dist.resolve("config/jvm.options"))) {
            jvm = lines.filter(l -> !l.matches(".*(gc\\.log|Xloggc|HeapDump|ErrorFile|PrintGC|GCLogFile|"
                    + "PrintTenuringDistribution|UseGCLogFileRotation|NumberOfGCLogFiles|^-Xm[sx]).*"))
                    .filter(l -> major > 6 || !l.matches(".*(ConcMarkSweepGC|CMSInitiatingOccupancy|"
                            + "UseCMSInitiatingOccupancyOnly|AlwaysPreTouch).*"))
                    .collect(Collectors.toCollection(ArrayList::new));
        }
        if (major <= 6) {
            jvm.add("-XX:+UseG1GC"); // CMS, their default, is gone from JDK 17
        }
        jvm.add("-Xms" + heap);
        jvm.add("-Xmx" + heap);
        jvm.add("-XX:ErrorFile=" + dir.resolve("logs/hs_err_pid%p.log"));
        jvm.add("-Djava.io.tmpdir=" + dir.resolve("tmp"));
        Files.write(conf.resolve("jvm.options"), jvm);
        if (major == 5) {
            Files.copy(dist.resolve("config/log4j2.properties"), conf.resolve("log4j2.properties"));
        } else {
            try (Stream<Path> files = Files.list(dist.resolve("config"))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(f) && !f.getFileName().toString().equals("jvm.options")
                            && !f.getFileName().toString().equals("elasticsearch.yml")) {
                        Files.copy(f, conf.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        for (java.util.Map.Entry<String, String> f : configFiles.entrySet()) {
            Files.writeString(conf.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
        }
        StringBuilder yml = new StringBuilder("# generated by ElasticsearchNode at every start\n");
        yml.append("cluster.name: \"").append(clusterName).append("\"\n");
        yml.append("node.name: \"").append(name).append("\"\n");
        yml.append("network.host: 127.0.0.1\n");
        yml.append("http.port: ").append(httpPort).append('\n');
        yml.append(major <= 6 ? "transport.tcp.port: " : "transport.port: ").append(transportPort).append('\n');
        yml.append("path.data: \"").append(dir.resolve("data")).append("\"\n");
        yml.append("path.logs: \"").append(dir.resolve("logs")).append("\"\n");
        yml.append("path.repo: [\"").append(repoRoot).append("\"]\n");
        yml.append("cluster.routing.allocation.disk.threshold_enabled: false\n");
        if (Files.isDirectory(dist.resolve("modules/x-pack-security"))) {
            if (!extraYml.contains("xpack.security.enabled")) {
                yml.append("xpack.security.enabled: false\n");
            }
        }
        if (major != 5 && Files.isDirectory(dist.resolve("modules/reindex"))) {
            yml.append("reindex.remote.whitelist: \"127.0.0.1:*, localhost:*\"\n");
        }
        if (seedHosts.isEmpty()) {
            yml.append("discovery.type: single-node\n");
        } else {
            yml.append("discovery.seed_hosts: [").append(quoted(seedHosts)).append("]\n");
            if (!bootstrapped && !initialMasters.isEmpty() && !Files.exists(dir.resolve("data/nodes"))
                    && !hasClusterState()) {
                yml.append("cluster.initial_master_nodes: [").append(quoted(initialMasters)).append("]\n");
            }
        }
        yml.append(extraYml).append('\n');
        Files.writeString(conf.resolve("elasticsearch.yml"), yml.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("es.version"), v);
    }

    private boolean hasClusterState() {
        try (Stream<Path> s = Files.list(dir.resolve("data"))) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    private static String quoted(List<String> values) {
        return values.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", "));
    }

    /** The JDK a node of {@code major} runs on: Java 21+ for 9.x, else ES_JAVA_HOME or the machine's JDK 17. */
    private static String javaHome(int major) {
        if (major >= 9) {
            return JavaHomes.atLeast(21).toString();
        }
        String env = System.getenv("ES_JAVA_HOME");
        if (env != null && Files.isExecutable(Path.of(env, "bin/java"))) {
            return env;
        }
        for (String c : List.of("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/java-17-openjdk-arm64",
                "/usr/lib/jvm/java-17-openjdk")) {
            if (Files.isExecutable(Path.of(c, "bin/java"))) {
                return c;
            }
        }
        return System.getProperty("java.home");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "ElasticsearchNode[" + name + " " + version + " " + url() + "]";
    }
}
