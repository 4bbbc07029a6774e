package io.upgradesdk.testservers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves and unpacks an Elasticsearch "integ-test-zip" distribution from Maven Central
 * ({@code org.elasticsearch.distribution.integ-test-zip:elasticsearch:<V>:zip}) through Maven, into a
 * cache dir shared by every JVM of the machine (guarded by a file lock). For 7.x a {@code reindex}
 * module is assembled from {@code org.elasticsearch.plugin:reindex-client:<V>} and its dependencies.
 *
 * <p>Cache: {@code $ES_CACHE_DIR}, else {@code /var/cache/upgrade-sdk/es-ts} as root, else
 * {@code ~/.cache/upgrade-sdk/es-ts}.
 */
final class ElasticsearchDistribution {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchDistribution.class);
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    private ElasticsearchDistribution() {
    }

    static int major(String version) {
        Matcher m = VERSION.matcher(version);
        if (!m.matches()) {
            throw new IllegalArgumentException("Elasticsearch version '" + version + "' must look like 7.17.29");
        }
        int major = Integer.parseInt(m.group(1));
        if (major < 5 || major > 9) {
            throw new IllegalArgumentException("only Elasticsearch 5.x to 9.x are supported, not " + version);
        }
        return major;
    }

    static Path cacheDir() {
        String env = System.getenv("ES_CACHE_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        if (PostgresProcess.isRoot()) {
            return Path.of("/var/cache/upgrade-sdk/es-ts");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "upgrade-sdk", "es-ts");
    }

    /** The unpacked distribution of {@code version}, downloading and unpacking it on first use. */
    static Path ensure(String version) {
        int major = major(version);
        Path cache = cacheDir();
        Path dist = cache.resolve("elasticsearch-" + version);
        try {
            Files.createDirectories(cache);
            if (Files.exists(dist.resolve(".complete"))) {
                return dist;
            }
            try (FileChannel ch = FileChannel.open(cache.resolve(".lock-" + version), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                if (!Files.exists(dist.resolve(".complete"))) {
                    prepare(version, major, cache, dist);
                }
            }
            return dist;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Elasticsearch " + version + " in " + cache, e);
        }
    }

    private static void prepare(String version, int major, Path cache, Path dist) throws IOException {
        long t0 = System.nanoTime();
        Path work = cache.resolve("work-" + version);
        deleteTree(work);
        deleteTree(dist);
        Path download = work.resolve("download");
        Files.createDirectories(download);
        Files.writeString(work.resolve("pom.xml"), fetchPom(version, major), StandardCharsets.UTF_8);
        String mvn = findMaven();
        List<String> cmd = new ArrayList<>(List.of(mvn, "-B", "-q", "dependency:copy-dependencies",
                "-DoutputDirectory=" + download));
        String repoLocal = System.getProperty("maven.repo.local");
        if (repoLocal != null && !repoLocal.isBlank()) {
            cmd.add("-Dmaven.repo.local=" + repoLocal);
        }
        LOG.info("resolving Elasticsearch {} through Maven ({})", version, String.join(" ", cmd));
        Path log = work.resolve("mvn.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        try {
            Process p = pb.start();
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("Maven could not resolve org.elasticsearch.distribution.integ-test-zip:"
                        + "elasticsearch:" + version + ":zip (log " + log + "):\n" + tail(log, 20)
                        + "\nCheck network access to Maven Central, or run bin/test once online.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while downloading Elasticsearch " + version, e);
        }
        Path zip = download.resolve("elasticsearch-" + version + ".zip");
        if (!Files.exists(zip)) {
            throw new IllegalStateException("Maven produced no " + zip + "; see " + log);
        }
        Path unpacked = work.resolve("unpacked");
        unzip(zip, unpacked);
        Path root = unpacked.resolve("elasticsearch-" + version);
        if (!Files.exists(root.resolve("bin/elasticsearch"))) {
            throw new IllegalStateException("unexpected layout of " + zip + ": no bin/elasticsearch");
        }
        if (major == 7) {
            assembleReindex(version, download, root);
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isDirectory(f) || f.getParent().getFileName().toString().equals("bin")) {
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
        Files.move(root, dist, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(dist.resolve(".complete"), version);
        deleteTree(work);
        LOG.info("Elasticsearch {} ready in {} ({} ms)", version, dist,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** 7.x: the integ-test-zip lacks the reindex module; build it from reindex-client + its deps. */
    private static void assembleReindex(String version, Path download, Path root) throws IOException {
        Path module = root.resolve("modules/reindex");
        if (Files.exists(module)) {
            return;
        }
        Path client = download.resolve("reindex-client-" + version + ".jar");
        if (!Files.exists(client)) {
            LOG.warn("no reindex-client-{}.jar: the node will have no _reindex", version);
            return;
        }
        Files.createDirectories(module);
        List<String> serverLibs = new ArrayList<>();
        try (Stream<Path> libs = Files.list(root.resolve("lib"))) {
            libs.forEach(p -> serverLibs.add(artifactName(p.getFileName().toString())));
        }
        try (Stream<Path> jars = Files.list(download)) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                String name = jar.getFileName().toString();
                if (!name.endsWith(".jar") || serverLibs.contains(artifactName(name))) {
                    continue;
                }
                String target = name.equals("reindex-client-" + version + ".jar") ? "reindex-" + version + ".jar" : name;
                Files.copy(jar, module.resolve(target));
            }
        }
        Files.writeString(module.resolve("plugin-descriptor.properties"), String.join("\n",
                "description=reindex module assembled from org.elasticsearch.plugin:reindex-client:" + version,
                "version=" + version, "name=reindex", "classname=org.elasticsearch.reindex.ReindexPlugin",
                "java.version=1.8", "elasticsearch.version=" + version, "extended.plugins=",
                "has.native.controller=false", "licensed=false", "type=isolated", ""));
        Files.writeString(module.resolve("plugin-security.policy"), "grant {\n"
                + "  permission java.net.SocketPermission \"*\", \"connect\";\n"
                + "  permission java.net.NetPermission \"getProxySelector\";\n};\n");
    }

    /** "lucene-core-8.11.3.jar" -> "lucene-core". */
    private static String artifactName(String jar) {
        int i = jar.lastIndexOf('-');
        return i < 0 ? jar : jar.substring(0, i);
    }

    private static String fetchPom(String version, int major) {
        String reindex = major == 7
                ? "<dependency><groupId>org.elasticsearch.plugin</groupId><artifactId>reindex-client</artifactId>"
                        + "<version>" + version + "</version></dependency>"
                : "";
        return "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
                + "<groupId>io.upgradesdk.testservers</groupId><artifactId>es-fetch</artifactId><version>1</version>"
                + "<packaging>pom</packaging><dependencies>"
                + "<dependency><groupId>org.elasticsearch.distribution.integ-test-zip</groupId>"
                + "<artifactId>elasticsearch</artifactId><version>" + version + "</version><type>zip</type></dependency>"
                + reindex + "</dependencies><build><plugins><plugin><groupId>org.apache.maven.plugins</groupId>"
                + "<artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin></plugins></build>"
                + "</project>\n";
    }

    private static String findMaven() {
        List<Path> candidates = new ArrayList<>();
        String home = System.getProperty("maven.home");
        if (home != null) {
            candidates.add(Path.of(home, "bin", "mvn"));
        }
        String mavenHome = System.getenv("MAVEN_HOME");
        if (mavenHome != null) {
            candidates.add(Path.of(mavenHome, "bin", "mvn"));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            candidates.add(Path.of(dir, "mvn"));
        }
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException("Maven (mvn) is not on the PATH, so the Elasticsearch distribution cannot "
                + "be downloaded; run bin/test (it installs what the tests need)");
    }

    private static void unzip(Path zip, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e; (e = z.getNextEntry()) != null;) {
                Path out = target.resolve(e.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("zip entry outside the target: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(z, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.startsWith("\tat ") && !l.trim().startsWith("at ")).toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no " + file + ")";
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
