package io.upgradesdk.testservers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The api/internal wall, for code the compiler does not check: no module's sources (main or test,
 * modular or not) use another module's {@code internal} package.
 */
class InternalImportWallTest {

    @Test
    void noModuleUsesAnotherModulesInternalPackage() {
        InternalImportWall wall = new InternalImportWall(repositoryRoot());

        assertThat(wall.breaches(Map.of()))
                .as("code using another module's internal package: use that module's public API (its root or"
                        + " spi package), or ask for what is missing to be published there")
                .isEmpty();
    }

    @Test
    void flagsAnotherModulesInternalsByImportOrQualifiedNameButNotItsOwn(@TempDir Path root) throws IOException {
        write(root, "lib", "src/main/java/io/upgradesdk/lib/internal/Engine.java", "package io.upgradesdk.lib.internal;");
        write(root, "app", "src/main/java/io/upgradesdk/app/internal/Helper.java", "package io.upgradesdk.app.internal;");
        write(root, "app", "src/test/java/io/upgradesdk/app/App.java", """
                package io.upgradesdk.app;
                import io.upgradesdk.app.internal.Helper;
                // io.upgradesdk.lib.internal, named in a comment
                import io.upgradesdk.lib.internal.Engine;
                class App { Object e = new io.upgradesdk.lib.internal.Other(); }
                """);
        Path app = Path.of("src/test/java/io/upgradesdk/app/App.java");

        InternalImportWall wall = new InternalImportWall(root);

        assertThat(wall.breaches(Map.of())).extracting(Object::toString).containsExactly(
                "app/" + app + ":4 uses io.upgradesdk.lib.internal",
                "app/" + app + ":5 uses io.upgradesdk.lib.internal");
        assertThat(wall.breaches(Map.of("app", Set.of("io.upgradesdk.lib.internal")))).isEmpty();
    }

    @Test
    void namesInCommentsAndLiteralsAreNotUses() {
        String source = """
                String a = "io.upgradesdk.lib.internal.X"; /* io.upgradesdk.lib.internal */ char q = '"';
                String b = \"""
                    io.upgradesdk.lib.internal "quoted", still text
                    \"""; // io.upgradesdk.lib.internal
                Object c = io.upgradesdk.lib.internal.Y.of("\\"");
                """;

        assertThat(InternalImportWall.codeOnly(source).lines().toList())
                .hasSize(5)
                .filteredOn(line -> line.contains("internal")).containsExactly(
                        "Object c = io.upgradesdk.lib.internal.Y.of(    );");
    }

    private static void write(Path root, String module, String file, String text) throws IOException {
        Path pom = root.resolve(module).resolve("pom.xml");
        if (!Files.exists(pom)) {
            Files.createDirectories(pom.getParent());
            Files.writeString(pom, "<project/>");
        }
        Path source = root.resolve(module).resolve(file);
        Files.createDirectories(source.getParent());
        Files.writeString(source, text);
    }

    /** The reactor root: surefire runs each module's tests in that module's directory. */
    private static Path repositoryRoot() {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("upgrade-api/pom.xml"))
                .as("the repository root above %s (tests run in their module's directory)", Path.of("").toAbsolutePath())
                .exists();
        return root;
    }
}
