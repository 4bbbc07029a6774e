package io.upgradesdk.samples.internal;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchCheckpointStore;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchEndpoint;
import io.upgradesdk.upgrade.store.jdbc.JdbcCheckpointStore;
import io.upgradesdk.upgrade.store.redis.RedisCheckpointStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Predicate;
import javax.sql.DataSource;
import picocli.CommandLine.Option;

/**
 * Where a command keeps its checkpoints and lock: a file (the default), or a shared store that a
 * restarted pod finds again: Redis, a JDBC database (PostgreSQL), or an Elasticsearch index. The
 * store's address is an option; its password only comes from {@value #PASSWORD_ENV} or
 * {@code --store-password-file}.
 */
public final class StoreOptions {

    /** The environment variable holding the store's password. */
    public static final String PASSWORD_ENV = "UPGRADE_STORE_PASSWORD";

    /** The kinds of store. */
    public enum Kind {
        file, redis, jdbc, elasticsearch
    }

    @Option(names = "--store", defaultValue = "file", paramLabel = "file|redis|jdbc|elasticsearch",
            description = "Checkpoint store. Default: ${DEFAULT-VALUE}. A shared store lets a restarted job resume.")
    Kind kind;

    @Option(names = "--checkpoints", paramLabel = "FILE", description = "Checkpoint file of the file store (resume point).")
    Path checkpoints;

    @Option(names = "--store-url", paramLabel = "URL", description = {"Address of a shared store, without password:",
            "redis://HOST:6379/0 (rediss:// for TLS), jdbc:postgresql://HOST:5432/DB, http(s)://ES-HOST:9200."})
    String url;

    @Option(names = "--store-user", paramLabel = "USER", description = "User of the jdbc or elasticsearch store (Redis: ACL user).")
    String user;

    @Option(names = "--store-password-file", paramLabel = "FILE",
            description = "File holding the store's password (else the environment variable " + PASSWORD_ENV + ").")
    Path passwordFile;

    /** A store opened for a command, and what to clean up after it. */
    public record Opened(CheckpointStore store, String description, Runnable cleanup) implements AutoCloseable {
        @Override
        public void close() {
            try {
                store.close();
            } finally {
                cleanup.run();
            }
        }
    }

    /** The chosen kind. */
    public Kind kind() {
        return kind;
    }

    /**
     * Checks the options without connecting.
     *
     * @throws IllegalArgumentException naming the problem and the fix
     */
    public void check(Path defaultFile) {
        check(defaultFile, false);
    }

    /**
     * As {@link #check(Path)}; {@code readOnly} (dry runs, status): a file store's directory need
     * not exist yet ({@link #open} then reads the checkpoint as not created).
     */
    public void check(Path defaultFile, boolean readOnly) {
        if (kind == Kind.file) {
            if (url != null) {
                throw new IllegalArgumentException("--store-url is for --store redis|jdbc|elasticsearch; the file store"
                        + " takes --checkpoints FILE");
            }
            Path file = checkpointFile(defaultFile);
            Path dir = file.toAbsolutePath().getParent();
            if (!readOnly && !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("the directory of checkpoint file " + file + " does not exist: create "
                        + dir + " or choose another --checkpoints path");
            }
        } else if (url == null) {
            throw new IllegalArgumentException("--store " + kind + " needs --store-url (" + example() + ")");
        }
    }

    /**
     * Opens the store. {@code readOnly} (dry runs, status) creates nothing: a file store without a
     * file yet is read as empty, and one in a read-only place is read from a copy.
     */
    public Opened open(Path defaultFile, boolean readOnly, SecretSource secrets) {
        check(defaultFile, readOnly);
        return switch (kind) {
            case file -> openFile(checkpointFile(defaultFile), readOnly);
            case redis -> new Opened(redis(secrets), "redis " + url, () -> { });
            case jdbc -> jdbc(secrets, readOnly);
            case elasticsearch -> elasticsearch(secrets, readOnly);
        };
    }

    /** The checkpoint file of the file store ({@code defaultFile} unless {@code --checkpoints}); empty for another store. */
    public Optional<Path> file(Path defaultFile) {
        return kind == Kind.file ? Optional.of(checkpointFile(defaultFile)) : Optional.empty();
    }

    private Path checkpointFile(Path defaultFile) {
        if (checkpoints != null) {
            return checkpoints;
        }
        if (defaultFile == null) {
            throw new IllegalArgumentException("the file store needs --checkpoints FILE (or choose --store"
                    + " redis|jdbc|elasticsearch with --store-url)");
        }
        return defaultFile;
    }

    private String example() {
        return switch (kind) {
            case redis -> "e.g. redis://redis:6379/0";
            case jdbc -> "e.g. jdbc:postgresql://db:5432/upgrades";
            case elasticsearch -> "e.g. https://es:9200";
            case file -> "";
        };
    }

    /** A file store on {@code file}; {@code readOnly}: as {@link #open}. */
    public static Opened openFile(Path file, boolean readOnly) {
        return openFile(file, readOnly, StoreOptions::writable);
    }

    /** As {@link #openFile(Path, boolean)}, {@code writable} telling whether a lock file can be made next to a file. */
    static Opened openFile(Path file, boolean readOnly, Predicate<Path> writable) {
        String description = "file " + file.toAbsolutePath();
        if (readOnly && !Files.exists(file)) {
            return new Opened(new InMemoryCheckpointStore(), description + " (not created yet)", () -> { });
        }
        if (readOnly && (!writable.test(file) || !Files.exists(lockFile(file)))) {
            return readFromCopy(file, description); // the store would create its lock file
        }
        return new Opened(new FileCheckpointStore(file), description, () -> { });
    }

    /** Whether a file store could take its OS lock next to {@code file}. */
    private static boolean writable(Path file) {
        Path lock = lockFile(file);
        return Files.exists(lock) ? Files.isWritable(lock) : Files.isWritable(file.toAbsolutePath().getParent());
    }

    /** The lock file a {@link FileCheckpointStore} keeps next to its checkpoint file. */
    private static Path lockFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".lock");
    }

    /** A read-only checkpoint read from a private copy (its lock file cannot be created where it is). */
    private static Opened readFromCopy(Path file, String description) {
        try {
            Path dir = Files.createTempDirectory("upgrade-checkpoint-copy");
            Path copy = dir.resolve(file.getFileName());
            Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
            copy.toFile().setWritable(true, true);
            Runnable cleanup = () -> {
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    // a temporary copy left behind is harmless
                }
            };
            return new Opened(new FileCheckpointStore(copy), description + " (read-only: read from a copy)", cleanup);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint file " + file, e);
        }
    }

    private Optional<Secret> password(SecretSource secrets) {
        return secrets.read("store.password", PASSWORD_ENV, passwordFile, "--store-password-file");
    }

    private RedisCheckpointStore redis(SecretSource secrets) {
        return RedisCheckpointStore.builder().uri(RedisUris.parse(url, "--store-url", user, password(secrets),
                "set " + PASSWORD_ENV + " or --store-password-file")).build();
    }

    /**
     * The JDBC store; {@code readOnly} creates no table: a database without the checkpoints table
     * is read as empty, as a file store without its file.
     */
    private Opened jdbc(SecretSource secrets, boolean readOnly) {
        JdbcUrl jdbcUrl = JdbcUrl.postgres(url, "--store-url", "set " + PASSWORD_ENV + " or --store-password-file");
        DataSource dataSource = new JdbcUrlDataSource(jdbcUrl, user, password(secrets).orElse(null));
        JdbcCheckpointStore.Builder store = JdbcCheckpointStore.builder(dataSource);
        String description = "jdbc " + jdbcUrl;
        if (readOnly) {
            String table = store.build().checkpointsTable();
            if (!tableExists(dataSource, table, jdbcUrl)) {
                return new Opened(new InMemoryCheckpointStore(), description + " (table " + table + " not created yet)",
                        () -> { });
            }
            store.createTables(false);
        }
        return new Opened(store.build(), description, () -> { });
    }

    /** Whether {@code table} is visible on the connection's search path (PostgreSQL). */
    private static boolean tableExists(DataSource dataSource, String table, JdbcUrl url) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "JDBC checkpoint store " + url
                    + " could not be read: " + String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " ")
                    + " [SQLState " + e.getSQLState() + "]. Check that the database is reachable and the user may"
                    + " read the table " + table, e);
        }
    }

    /**
     * The Elasticsearch store; {@code readOnly} creates no index: a cluster without the store's index
     * is read as empty, as a file store without its file (the store creates its index on first read).
     */
    private Opened elasticsearch(SecretSource secrets, boolean readOnly) {
        UrlCredentials.refuse("--store-url", url, "give --store-user with " + PASSWORD_ENV + " or --store-password-file");
        ElasticsearchEndpoint.Builder builder = ElasticsearchEndpoint.builder().url(url);
        Optional<Secret> password = password(secrets);
        if (user != null) {
            builder.basicAuth(user, password.orElseThrow(() -> new IllegalArgumentException("--store-user needs the"
                    + " password in " + PASSWORD_ENV + " or --store-password-file")));
        }
        ElasticsearchEndpoint endpoint = builder.build();
        String description = "elasticsearch " + url;
        ElasticsearchCheckpointStore store = ElasticsearchCheckpointStore.builder(endpoint).build();
        if (readOnly) {
            boolean exists;
            try (ElasticsearchConnection cluster = ElasticsearchConnection.open(endpoint)) {
                exists = cluster.exists("/" + ElasticsearchConnection.encode(store.index()));
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            if (!exists) {
                store.close();
                return new Opened(new InMemoryCheckpointStore(), description + " (index " + store.index()
                        + " not created yet)", () -> { });
            }
        }
        return new Opened(store, description, () -> { });
    }
}
