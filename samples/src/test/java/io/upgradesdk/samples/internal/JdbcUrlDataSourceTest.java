package io.upgradesdk.samples.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.upgradesdk.testservers.FaultProxy;
import io.upgradesdk.testservers.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The CLI's connections to PostgreSQL give up on a database that stops answering. */
@Tag("integration")
class JdbcUrlDataSourceTest {

    private static JdbcUrlDataSource dataSource(int port, String database, String parameters) {
        return new JdbcUrlDataSource(JdbcUrl.postgres("jdbc:postgresql://127.0.0.1:" + port + "/" + database
                + parameters, "--store-url", "set a password"), PostgresServer.get().user(), null);
    }

    @Test
    void aConnectionWaitsAtMostTheSocketTimeoutForAnAnswerByDefault() throws Exception {
        PostgresServer server = PostgresServer.get();

        try (Connection c = dataSource(server.port(), server.newDatabase("cli_timeouts"), "").getConnection()) {
            assertThat(c.getNetworkTimeout()).as("ms; the driver's own default is 0, forever")
                    .isEqualTo(JdbcUrlDataSource.SOCKET_TIMEOUT_SECONDS * 1000);
        }
    }

    @Test
    void aSocketTimeoutInTheUrlWinsAndEndsAStatementToADatabaseThatStoppedAnswering() throws Exception {
        PostgresServer server = PostgresServer.get();
        String database = server.newDatabase("cli_black_hole");
        try (FaultProxy proxy = FaultProxy.to(server.host(), server.port());
                Connection c = dataSource(proxy.port(), database, "?socketTimeout=1").getConnection();
                Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            proxy.stall(true);     // a black-holed route: the connection stays open and silent

            assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(30), () -> st.execute("SELECT 1"),
                    "the URL's socketTimeout=1 was not applied"))
                    .isInstanceOf(SQLException.class);
            proxy.heal();
        }
    }
}
