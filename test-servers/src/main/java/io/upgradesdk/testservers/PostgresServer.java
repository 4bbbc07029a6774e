package io.upgradesdk.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (Debian's package, {@code /usr/lib/postgresql/<15+>/bin}) on a free port
 * of 127.0.0.1, started once per JVM on first use and stopped by a shutdown hook. Each test takes
 * its own database with {@link #newDatabase(String)}.
 *
 * <p>The cluster lives in a short temp dir under {@code /tmp} (the unix socket path must stay under
 * ~100 chars), is created by {@code initdb} with trust authentication for the superuser
 * {@code postgres} (any password is accepted) and runs with durability off (throwaway data). When
 * the JVM runs as root the server runs as the system user {@code postgres} (via {@code setpriv}),
 * because PostgreSQL refuses to run as root. Set {@code PG_BIN} to use another bin directory.
 *
 * <p>Each start first stops and removes the {@code /tmp/pgts*} clusters of test JVMs that died
 * without running their shutdown hook (SIGKILL, timeouts): see {@link OrphanReaper}.
 *
 * <p>{@link #startDedicated()} starts a server of a test's own that it may stop, kill and start
 * again on the same data directory and port (a server restarted under a running upgrade).
 *
 * <p>This class has no JDBC driver dependency: databases are created with {@code psql}.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final String SUPERUSER = "postgres";
    private static final Path TMP = Path.of("/tmp");
    static final String DIR_PREFIX = "pgts";
    private static PostgresServer instance;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final AtomicInteger databases = new AtomicInteger();
    private final List<String> asPg;

    private PostgresServer(Path bin, Path dir, int port, List<String> asPg) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPg = asPg;
    }

    /** The JVM's server, started on first call (takes a few seconds: initdb + start). */
    public static synchronized PostgresServer get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    /**
     * A new server of the caller's own (initdb + start, a few seconds), not the JVM's shared one: a
     * test may {@link #stop()}, {@link #kill()} and {@link #startAgain()} it. {@link #close()} it when done.
     */
    public static PostgresServer startDedicated() {
        return start();
    }

    public String host() {
        return "127.0.0.1";
    }

    /** Stops the server ({@code pg_ctl stop -m fast}: open sessions are ended) and waits for it. */
    public synchronized void stop() {
        pgCtl("stop", "-m", "fast");
    }

    /** Stops the server like a crash ({@code pg_ctl stop -m immediate}: no shutdown checkpoint). */
    public synchronized void kill() {
        pgCtl("stop", "-m", "immediate");
    }

    /** Starts a stopped server again on the same data directory and port; waits until it accepts connections. */
    public synchronized void startAgain() {
        PostgresProcess.run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("postgres.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir, "start"), asPg, dir, 90);
    }

    /** {@link #stop()} then {@link #startAgain()}. */
    public synchronized void restart() {
        stop();
        startAgain();
    }

    /** Stops a dedicated server and removes its directory (never call it on the shared {@link #get()}). */
    @Override
    public synchronized void close() {
        stop(asPg);
    }

    /** Records the postmaster's pid (first line of postmaster.pid) for {@link OrphanReaper}. */
    private void recordServerPid() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("data/postmaster.pid"), StandardCharsets.UTF_8);
            if (!lines.isEmpty()) {
                OrphanReaper.recordServer(dir, Long.parseLong(lines.get(0).trim()));
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("no postmaster pid in {}: {}", dir, e.toString());
        }
    }

    private void pgCtl(String... args) {
        List<String> cmd = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                "-w"));
        cmd.addAll(List.of(args));
        PostgresProcess.run(cmd, asPg, dir, 60);
    }

    public int port() {
        return port;
    }

    /** The superuser; trust authentication, so any password (or none) is accepted. */
    public String user() {
        return SUPERUSER;
    }

    /** The superuser's password: empty (trust authentication). */
    public String password() {
        return "";
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    /** The directory holding {@code bin/psql}, {@code pg_dump}, ... of this server's version. */
    public Path binDir() {
        return bin;
    }

    /**
     * Creates a fresh, empty database whose name starts with {@code prefix} (lower-cased, non
     * alphanumerics replaced by {@code _}) and returns its name.
     */
    public String newDatabase(String prefix) {
        String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (clean.length() > 40) {
            clean = clean.substring(0, 40);
        }
        String name = clean + "_" + databases.incrementAndGet() + "_"
                + UUID.randomUUID().toString().substring(0, 8);
        psql("postgres", "CREATE DATABASE \"" + name + "\"");
        return name;
    }

    /** Runs one SQL command with psql as the superuser (test set-up only); returns stdout. */
    public String psql(String database, String sql) {
        List<String> cmd = List.of(bin.resolve("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h",
                host(), "-p", Integer.toString(port), "-U", SUPERUSER, "-d", database, "-tAc", sql);
        return PostgresProcess.run(cmd, List.of(), dir, 60).stdout();
    }

    // --------------------------------------------------------------------------------------------

    private static PostgresServer start() {
        Path bin = findBin();
        boolean root = PostgresProcess.isRoot();
        List<String> asPg = root ? PostgresProcess.asUser(SUPERUSER) : List.of();
        OrphanReaper.reap(List.of(TMP), DIR_PREFIX, OrphanReaper.GRACE);
        Path dir;
        try {
            dir = Files.createTempDirectory(TMP, DIR_PREFIX);
            OrphanReaper.claim(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for PostgreSQL under /tmp", e);
        }
        if (root) {
            PostgresProcess.run(List.of("chown", "-R", SUPERUSER + ":", dir.toString()), List.of(), dir, 30);
        }
        Path data = dir.resolve("data");
        long t0 = System.nanoTime();
        PostgresProcess.run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
                "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"), asPg, dir, 120);
        String conf = "\n# test cluster: durability off\nlisten_addresses = '127.0.0.1'\nfsync = off\n"
                + "synchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n";
        try {
            Files.writeString(data.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot configure " + data, e);
        }
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            try {
                PostgresProcess.run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                        dir.resolve("postgres.log").toString(), "-w", "-t", "60", "-o",
                        "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir, "start"), asPg, dir, 90);
                PostgresServer server = new PostgresServer(bin, dir, port, asPg);
                server.recordServerPid();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(asPg), "postgres-stop"));
                LOG.info("PostgreSQL ({}) answers on 127.0.0.1:{}, started in {} ms, dir {}", bin, port,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), dir);
                return server;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new IllegalStateException("PostgreSQL did not start (log: " + dir.resolve("postgres.log") + ")", last);
    }

    private void stop(List<String> asPg) {
        try {
            PostgresProcess.run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                    "-m", "immediate", "-w", "stop"), asPg, dir, 30);
        } catch (RuntimeException e) {
            LOG.warn("could not stop PostgreSQL in {}: {}", dir, e.getMessage());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temp dir
        }
    }

    static Path findBin() {
        return findBin(System.getenv("PG_BIN"), Path.of("/usr/lib/postgresql"));
    }

    /** The newest {@code <root>/<version>/bin} with initdb and pg_ctl, or {@code env} when set. */
    static Path findBin(String env, Path root) {
        if (env != null && !env.isBlank()) {
            Path bin = Path.of(env);
            if (Files.isExecutable(bin.resolve("initdb"))) {
                return bin;
            }
            throw missing("PG_BIN=" + env + " has no executable initdb");
        }
        List<Path> candidates = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                        .forEach(candidates::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return candidates.stream()
                .max(Comparator.comparingInt(PostgresServer::majorVersion))
                .orElseThrow(() -> missing("no " + root + "/<version>/bin/initdb found"));
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static IllegalStateException missing(String what) {
        return new IllegalStateException("PostgreSQL is not installed (" + what + "). Run bin/test, which "
                + "apt-get installs 'postgresql' when missing, or 'apt-get install postgresql' yourself");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
