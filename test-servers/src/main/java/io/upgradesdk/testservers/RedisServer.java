package io.upgradesdk.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis server (Debian's {@code redis-server}) on a free port of 127.0.0.1, in a temp dir.
 *
 * <p>{@link #get()} gives the JVM's shared server: plain TCP, no password, no persistence, started
 * on first use and stopped by a shutdown hook. Each test takes its own logical database
 * ({@link #freshDatabase()}, flushed before it is handed out) or its own key prefix
 * ({@link #uniqueKeyPrefix(String)}).
 *
 * <p>{@link #builder()} starts a dedicated server for tests that need a password, ACL users, TLS,
 * persistence, cluster mode or a restart ({@link #restart()}, {@link #kill()} + {@link #startAgain()}); close it
 * when done (it is also stopped at JVM exit). The server runs in the foreground as a child process,
 * so {@link #pid()} can be signalled. Set {@code REDIS_SERVER} (or the system property
 * {@code redis.server.binary}) to use another binary.
 *
 * <p>Each start first stops and removes the {@code redis-test-*} servers of test JVMs that died
 * without running their shutdown hooks (SIGKILL, timeouts): see {@link OrphanReaper}.
 */
public final class RedisServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisServer.class);
    private static final String DEFAULT_BINARY = "/usr/bin/redis-server";
    private static final int DATABASES = 16;
    static final String DIR_PREFIX = "redis-test-";
    private static RedisServer shared;

    private final Builder config;
    private final Path binary;
    private final Path dir;
    private final int port;
    private final AtomicInteger nextDatabase = new AtomicInteger(1);
    private final Thread shutdownHook;
    private Process process;

    private RedisServer(Builder config, Path binary, Path dir, int port) {
        this.config = config;
        this.binary = binary;
        this.dir = dir;
        this.port = port;
        this.shutdownHook = new Thread(this::destroy, "redis-server-stop-" + port);
    }

    /** The JVM's shared plain server (no password, no persistence), started on first call (~50 ms). */
    public static synchronized RedisServer get() {
        if (shared == null) {
            shared = builder().start();
        }
        return shared;
    }

    /** Configures a dedicated server. */
    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return "127.0.0.1";
    }

    /** The port: the TLS port when TLS is on (the plain port is then disabled). */
    public int port() {
        return port;
    }

    /** The pid of the running {@code redis-server} process. */
    public synchronized long pid() {
        return running().pid();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The {@code requirepass} password of the default user, or null. */
    public String password() {
        return config.password;
    }

    /** The self-signed certificate (PEM) the server presents when TLS is on, else null. */
    public Path tlsCertificate() {
        return config.tls ? dir.resolve("tls/cert.pem") : null;
    }

    /** {@code redis://127.0.0.1:<port>/<db>} (no credentials; {@code rediss://} when TLS is on). */
    public String uri(int database) {
        return (config.tls ? "rediss" : "redis") + "://" + host() + ":" + port + "/" + database;
    }

    /**
     * A logical database no other caller of this server got yet, flushed. Databases 1 to 15 are
     * handed out in turn (then reused, flushed again); database 0 is left to {@link #uniqueKeyPrefix}.
     */
    public int freshDatabase() {
        int db = 1 + Math.floorMod(nextDatabase.getAndIncrement() - 1, DATABASES - 1);
        command("SELECT", Integer.toString(db), "FLUSHDB");
        return db;
    }

    /** A key prefix no other test uses, e.g. {@code test-a1b2c3d4:}, for tests sharing database 0. */
    public String uniqueKeyPrefix(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /**
     * Sends one command (or, with "SELECT n" first, a command on database n) through redis-cli and
     * returns its raw output. For test setup and checks; tests talk to Redis through their client.
     */
    public String command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(cli().toString(), "-h", host(), "-p", Integer.toString(port)));
        if (config.tls) {
            cmd.addAll(List.of("--tls", "--cacert", tlsCertificate().toString()));
        }
        int start = 0;
        if (args.length > 2 && args[0].equalsIgnoreCase("SELECT")) {
            cmd.addAll(List.of("-n", args[1]));
            start = 2;
        }
        for (int i = start; i < args.length; i++) {
            cmd.add(args[i]);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (config.password != null) {
            pb.environment().put("REDISCLI_AUTH", config.password);
        }
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("redis-cli " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops the server (SIGTERM, waits) and starts it again on the same port and directory. */
    public synchronized void restart() {
        stopProcess(false);
        launch();
    }

    /** Kills the server (SIGKILL) without letting it save anything; {@link #startAgain()} brings it back. */
    public synchronized void kill() {
        stopProcess(true);
    }

    /** Stops the server gracefully (SIGTERM); {@link #startAgain()} brings it back. */
    public synchronized void stop() {
        stopProcess(false);
    }

    /** Starts a stopped or killed server again on the same port and directory. */
    public synchronized void startAgain() {
        if (!isRunning()) {
            launch();
        }
    }

    /** Stops the server and deletes its directory. The shared server ignores this (JVM exit stops it). */
    @Override
    public void close() {
        if (this == shared) {
            return;
        }
        destroy();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // JVM exit under way: the hook runs anyway
        }
    }

    @Override
    public String toString() {
        return "RedisServer[" + host() + ":" + port + (config.tls ? ", TLS" : "") + ", dir " + dir + "]";
    }

    // --- process handling --------------------------------------------------------------------------

    private synchronized void destroy() {
        stopProcess(false);
        deleteTree(dir);
    }

    private Process running() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(this + " is not running");
        }
        return process;
    }

    private void stopProcess(boolean kill) {
        if (process == null) {
            return;
        }
        Process p = process;
        process = null;
        if (kill) {
            p.destroyForcibly();
        } else {
            // SIGCONT first: a test may have left the server frozen.
            signal(p.pid(), "CONT");
            p.destroy();
        }
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void launch() {
        Path conf = dir.resolve("redis.conf");
        Path log = dir.resolve("redis.log");
        try {
            Files.writeString(conf, configText(), StandardCharsets.UTF_8);
            process = new ProcessBuilder(binary.toString(), conf.toString()).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary + " (log: " + log + ")", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + " at start: "
                        + tail(log));
            }
            if (answersPing()) {
                OrphanReaper.recordServer(dir, process.pid());
                LOG.info("Redis answers on {}:{} (pid {}, dir {})", host(), port, process.pid(), dir);
                return;
            }
            sleep(20);
        }
        throw new IllegalStateException("Redis did not answer PING on " + host() + ":" + port + " within 30 s: "
                + tail(log));
    }

    private boolean answersPing() {
        if (config.tls) {
            try {
                return command("PING").contains("PONG");
            } catch (RuntimeException e) {
                return false;
            }
        }
        // Plain TCP: speak RESP directly (cheaper than forking redis-cli every 20 ms).
        try (java.net.Socket socket = new java.net.Socket(host(), port)) {
            socket.setSoTimeout(1000);
            String hello = config.password == null ? "" : "*2\r\n$4\r\nAUTH\r\n$" + config.password
                    .getBytes(StandardCharsets.UTF_8).length + "\r\n" + config.password + "\r\n";
            socket.getOutputStream().write((hello + "*1\r\n$4\r\nPING\r\n").getBytes(StandardCharsets.UTF_8));
            byte[] buf = new byte[256];
            StringBuilder reply = new StringBuilder();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (!reply.toString().contains("PONG") && !reply.toString().contains("-LOADING")
                    && System.nanoTime() < until) {
                int n = socket.getInputStream().read(buf);
                if (n < 0) {
                    break;
                }
                reply.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            return reply.toString().contains("PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private void assignAllSlots() {
        command("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!command("CLUSTER", "INFO").contains("cluster_state:ok")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis Cluster on port " + port + " did not reach cluster_state:ok");
            }
            sleep(50);
        }
    }

    private String configText() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("bind", "127.0.0.1");
        c.put("protected-mode", "yes");
        c.put("dir", quote(dir.toString()));
        c.put("daemonize", "no");
        // keep the command line (it names redis.conf in this dir): OrphanReaper finds orphans by it
        c.put("set-proc-title", "no");
        c.put("databases", Integer.toString(DATABASES));
        c.put("save", "\"\"");
        c.put("appendonly", config.appendOnly ? "yes" : "no");
        c.put("appendfsync", "always");
        c.put("appenddirname", "appendonly");
        if (config.tls) {
            c.put("port", "0");
            c.put("tls-port", Integer.toString(port));
            c.put("tls-cert-file", quote(dir.resolve("tls/cert.pem").toString()));
            c.put("tls-key-file", quote(dir.resolve("tls/key.pem").toString()));
            c.put("tls-ca-cert-file", quote(dir.resolve("tls/cert.pem").toString()));
            c.put("tls-auth-clients", "no");
        } else {
            c.put("port", Integer.toString(port));
        }
        if (config.password != null) {
            c.put("requirepass", quote(config.password));
        }
        if (config.cluster) {
            c.put("cluster-enabled", "yes");
            c.put("cluster-config-file", quote(dir.resolve("nodes.conf").toString()));
        }
        StringBuilder text = new StringBuilder();
        c.forEach((k, v) -> text.append(k).append(' ').append(v).append('\n'));
        for (String user : config.aclUsers) {
            text.append("user ").append(user).append('\n');
        }
        return text.toString();
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private Path cli() {
        Path cli = binary.resolveSibling("redis-cli");
        if (!Files.isExecutable(cli)) {
            throw new IllegalStateException("redis-cli not found next to " + binary
                    + ": run bin/test (it apt-get installs redis-server redis-tools), or apt-get install redis-tools");
        }
        return cli;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - 15), lines.size());
            return "log " + log + ":\n" + String.join("\n", last);
        } catch (IOException e) {
            return "log " + log + " unreadable: " + e.getMessage();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", root, e.toString());
        }
    }

    /** Options of a dedicated server; {@link #start()} starts it. */
    public static final class Builder {
        private String password;
        private final List<String> aclUsers = new ArrayList<>();
        private boolean appendOnly;
        private boolean tls;
        private boolean cluster;

        private Builder() {
        }

        /** {@code requirepass}: the default user needs this password. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /**
         * An ACL user, as the rest of a {@code user} line of redis.conf, e.g.
         * {@code "upgrade on >secret ~upgrade:* +@all -@dangerous"}.
         */
        public Builder aclUser(String rule) {
            aclUsers.add(rule);
            return this;
        }

        /** Append-only file with fsync on every write, so data survives {@link #restart()} and {@link #kill()}. */
        public Builder appendOnly() {
            this.appendOnly = true;
            return this;
        }

        /**
         * Serves TLS only, with a self-signed certificate for 127.0.0.1 made by openssl
         * ({@link #tlsCertificate()}).
         */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /**
         * A one-node Redis Cluster: cluster mode on, all 16384 hash slots assigned to this node, so
         * cluster clients work and multi-key commands across slots fail with CROSSSLOT as on a real
         * cluster. Only database 0 exists: use {@link #uniqueKeyPrefix}.
         */
        public Builder cluster() {
            this.cluster = true;
            return this;
        }

        /** Starts the server and registers a shutdown hook that stops it. */
        public RedisServer start() {
            Path binary = Path.of(System.getProperty("redis.server.binary",
                    System.getenv().getOrDefault("REDIS_SERVER", DEFAULT_BINARY)));
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException("redis-server not found at " + binary + ": run bin/test, which"
                        + " apt-get installs redis-server and redis-tools (or apt-get install redis-server"
                        + " redis-tools yourself, or set REDIS_SERVER to the binary)");
            }
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            OrphanReaper.reap(List.of(tmp, Path.of("/tmp")), DIR_PREFIX, OrphanReaper.GRACE);
            Path dir;
            try {
                dir = Files.createTempDirectory(tmp, DIR_PREFIX);
                OrphanReaper.claim(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temp dir for Redis", e);
            }
            if (tls) {
                SelfSignedCertificate.create(dir.resolve("tls"));
            }
            RedisServer server = new RedisServer(this, binary, dir, freePort());
            Runtime.getRuntime().addShutdownHook(server.shutdownHook);
            server.launch();
            if (cluster) {
                server.assignAllSlots();
            }
            return server;
        }

        @Override
        public String toString() {
            return "RedisServer.Builder[password " + (password == null ? "none" : "set") + ", " + aclUsers.size()
                    + " ACL users, appendOnly " + appendOnly + ", tls " + tls + "]";
        }
    }
}
