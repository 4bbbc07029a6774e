package io.upgradesdk.testservers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class PostgresServerTest {

    @Test
    void oneServerPerJvmOnLoopbackWithAFreshDatabasePerCall() {
        PostgresServer server = PostgresServer.get();

        assertThat(PostgresServer.get()).isSameAs(server);
        assertThat(server.host()).isEqualTo("127.0.0.1");
        assertThat(server.port()).isPositive();
        String a = server.newDatabase("Some Test!");
        String b = server.newDatabase("Some Test!");
        assertThat(a).startsWith("some_test__").isNotEqualTo(b);
        assertThat(server.psql(a, "SELECT current_database()").trim()).isEqualTo(a);
        assertThat(server.psql(a, "SHOW fsync").trim()).isEqualTo("off");
        assertThat(server.psql(a, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").trim()).isEqualTo("0");
        assertThat(server.jdbcUrl(a)).isEqualTo("jdbc:postgresql://127.0.0.1:" + server.port() + "/" + a);
    }

    @Test
    void aMissingBinaryTellsToRunBinTest(@org.junit.jupiter.api.io.TempDir java.nio.file.Path empty) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PostgresServer.findBin(null, empty))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Run bin/test");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PostgresServer.findBin(empty.toString(), empty))
                .hasMessageContaining("PG_BIN=" + empty);
    }

    @Test
    void theServerProcessDoesNotRunAsRoot() throws Exception {
        String dataDir = PostgresServer.get().psql("postgres", "SHOW data_directory").trim();
        String pid = java.nio.file.Files.readAllLines(java.nio.file.Path.of(dataDir, "postmaster.pid")).get(0).trim();

        String uidLine = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", pid, "status")).stream()
                .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();

        assertThat(uidLine.split("\\s+")[1]).isNotEqualTo("0");
    }
}
