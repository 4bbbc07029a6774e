package io.upgradesdk.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds Java code that uses another module's {@code internal} package, by reading the sources of
 * every Maven module under a repository root: imports and fully qualified names in code, in main
 * and test sources alike. {@code module-info.java} already makes the compiler refuse such an
 * import in the main code of modular modules; this check also covers test sources, the samples,
 * the benchmarks and modules without a module descriptor.
 */
final class InternalImportWall {

    /** One use of a foreign internal package: where, and which package. */
    record Breach(String module, Path file, int line, String internalPackage) {
        @Override
        public String toString() {
            return module + "/" + file + ":" + line + " uses " + internalPackage;
        }
    }

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern INTERNAL = Pattern.compile("\\bio\\.upgradesdk(?:\\.[a-z0-9_]+)*?\\.internal\\b");

    private final Path root;

    InternalImportWall(Path root) {
        this.root = root;
    }

    /**
     * Every breach in the repository, except those {@code allowed} lists (module directory name
     * to the foreign internal packages it may still use).
     */
    List<Breach> breaches(Map<String, Set<String>> allowed) {
        List<Breach> breaches = new ArrayList<>();
        for (Path module : modules()) {
            String name = module.getFileName().toString();
            List<Path> sources = javaSources(module);
            Set<String> own = ownPackages(sources);
            for (Path source : sources) {
                for (Breach breach : foreignInternals(name, module, source, own)) {
                    if (!allowed.getOrDefault(name, Set.of()).contains(breach.internalPackage())) {
                        breaches.add(breach);
                    }
                }
            }
        }
        return breaches;
    }

    private List<Path> modules() {
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(dir -> Files.isRegularFile(dir.resolve("pom.xml")))
                    .filter(dir -> Files.isDirectory(dir.resolve("src"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> javaSources(Path module) {
        try (Stream<Path> files = Files.walk(module.resolve("src"))) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getFileName().toString().equals("module-info.java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> ownPackages(List<Path> sources) {
        Set<String> own = new TreeSet<>();
        for (Path source : sources) {
            Matcher m = PACKAGE.matcher(read(source));
            if (m.find()) {
                own.add(m.group(1));
            }
        }
        return own;
    }

    private static List<Breach> foreignInternals(String name, Path module, Path source, Set<String> own) {
        List<Breach> found = new ArrayList<>();
        List<String> lines = codeOnly(read(source)).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith("package ")) {
                continue;
            }
            Matcher m = INTERNAL.matcher(lines.get(i));
            while (m.find()) {
                String internal = m.group();
                boolean owned = own.stream().anyMatch(p -> p.equals(internal) || p.startsWith(internal + "."));
                if (!owned) {
                    found.add(new Breach(name, module.relativize(source), i + 1, internal));
                }
            }
        }
        return found;
    }

    /** The source with comments and string, char and text-block literals blanked, lines kept. */
    static String codeOnly(String source) {
        StringBuilder code = new StringBuilder(source);
        int i = 0;
        while (i < source.length()) {
            int end;
            if (source.startsWith("//", i)) {
                end = indexOrEnd(source, "\n", i);
            } else if (source.startsWith("/*", i)) {
                end = indexOrEnd(source, "*/", i + 2) + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                end = closingQuote(source, "\"\"\"", i + 3) + 3;
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                end = closingQuote(source, String.valueOf(source.charAt(i)), i + 1) + 1;
            } else {
                i++;
                continue;
            }
            end = Math.min(end, source.length());
            for (int j = i; j < end; j++) {
                if (code.charAt(j) != '\n') {
                    code.setCharAt(j, ' ');
                }
            }
            i = end;
        }
        return code.toString();
    }

    private static int indexOrEnd(String source, String token, int from) {
        int at = source.indexOf(token, from);
        return at < 0 ? source.length() : at;
    }

    private static int closingQuote(String source, String quote, int from) {
        int i = from;
        while (i < source.length() && !source.startsWith(quote, i)) {
            i += source.charAt(i) == '\\' ? 2 : 1;
        }
        return i;
    }

    private static String read(Path source) {
        try {
            return Files.readString(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
