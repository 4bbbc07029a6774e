package io.upgradesdk.testservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaHomesTest {

    private static void jdk(Path dir, String name, String version) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name).resolve("bin"));
        Path java = Files.writeString(home.resolve("java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve(name).resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
    }

    @Test
    void picksTheNewestJdkOfAtLeastTheRequiredVersion(@TempDir Path jvm) throws IOException {
        jdk(jvm, "java-17-openjdk-amd64", "17.0.15");
        jdk(jvm, "jdk-21", "21.0.4");
        jdk(jvm, "temurin-25-jdk-amd64", "25.0.3");
        assertThat(JavaHomes.newestUnder(jvm, 21)).isEqualTo(jvm.resolve("temurin-25-jdk-amd64"));
        assertThat(JavaHomes.featureVersion(jvm.resolve("jdk-21"))).contains(21);
    }

    @Test
    void failsNamingTheJdksFoundWhenNoneIsNewEnough(@TempDir Path jvm) throws IOException {
        jdk(jvm, "java-17-openjdk-amd64", "17.0.15");
        assertThatThrownBy(() -> JavaHomes.newestUnder(jvm, 21)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Java 21+ JDK").hasMessageContaining("java-17-openjdk-amd64 = Java 17")
                .hasMessageContaining("ES_JAVA_HOME");
    }
}
