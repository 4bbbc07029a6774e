package io.upgradesdk.testservers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a JDK of at least a given feature version for the nodes that need one newer than the
 * build's (Elasticsearch 9.x needs Java 21+): {@code ES_JAVA_HOME} when set, else the newest JDK
 * under {@code /usr/lib/jvm} (read from each JDK's {@code release} file).
 */
final class JavaHomes {

    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private JavaHomes() {
    }

    /** A JDK of feature version {@code minimum} or later; fails naming what was found and the fix. */
    static Path atLeast(int minimum) {
        String env = System.getenv("ES_JAVA_HOME");
        if (env != null && !env.isBlank()) {
            Path home = Path.of(env);
            int found = featureVersion(home).orElse(-1);
            if (found < minimum) {
                throw new IllegalStateException("ES_JAVA_HOME=" + env + " is " + (found < 0 ? "not a JDK" : "Java " + found)
                        + ", but Elasticsearch 9.x needs Java " + minimum + " or later; point ES_JAVA_HOME at one");
            }
            return home;
        }
        return newestUnder(Path.of("/usr/lib/jvm"), minimum);
    }

    /** The newest JDK under {@code dir} of at least {@code minimum}; fails naming the JDKs found. */
    static Path newestUnder(Path dir, int minimum) {
        List<Path> jdks = jdksUnder(dir);
        return jdks.stream().filter(p -> featureVersion(p).orElse(0) >= minimum)
                .max(Comparator.comparingInt((Path p) -> featureVersion(p).orElse(0)).thenComparing(Path::toString))
                .orElseThrow(() -> new IllegalStateException("no Java " + minimum + "+ JDK under " + dir + " (found: "
                        + jdks.stream().map(p -> p.getFileName() + " = Java " + featureVersion(p).orElse(0)).toList()
                        + "); Elasticsearch 9.x needs one: install a JDK " + minimum + "+ there or set ES_JAVA_HOME"));
    }

    private static List<Path> jdksUnder(Path dir) {
        try (Stream<Path> s = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            return s.filter(p -> Files.isExecutable(p.resolve("bin/java")) && featureVersion(p).isPresent()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The feature version in {@code home/release} ({@code JAVA_VERSION="25.0.3"} is 25), if any. */
    static Optional<Integer> featureVersion(Path home) {
        try {
            Matcher m = JAVA_VERSION.matcher(Files.readString(home.resolve("release")));
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
