package io.upgradesdk.samples.internal;

import io.upgradesdk.upgrade.Secret;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} over {@link DriverManager} for a checked {@link JdbcUrl}, user and password.
 * Its connections give up on a database that stops answering (a network partition, a black-holed
 * route) instead of waiting forever, the driver's default: {@value #CONNECT_TIMEOUT_SECONDS} s to
 * connect and {@value #SOCKET_TIMEOUT_SECONDS} s for any answer, unless the URL sets
 * {@code connectTimeout} or {@code socketTimeout} itself (its parameters win).
 */
public final class JdbcUrlDataSource implements DataSource {
    /** Seconds to open a connection. */
    static final int CONNECT_TIMEOUT_SECONDS = 10;
    /**
     * Seconds without an answer on a connection: above every statement the CLI runs (the checkpoint
     * store's own query timeout is 30 s; Kong's reads are small).
     */
    static final int SOCKET_TIMEOUT_SECONDS = 300;

    private final JdbcUrl url;
    private final String user;
    private final Secret password;

    public JdbcUrlDataSource(JdbcUrl url, String user, Secret password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(user, password == null ? null : password.reveal());
    }

    @Override
    public Connection getConnection(String username, String pw) throws SQLException {
        Properties properties = connectionProperties();
        if (username != null) {
            properties.setProperty("user", username);
        }
        if (pw != null) {
            properties.setProperty("password", pw);
        }
        return DriverManager.getConnection(url.url(), properties);
    }

    /** The driver properties other than the credentials: the timeouts (the URL's own parameters win). */
    static Properties connectionProperties() {
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        return properties;
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // DriverManager's own log is not used
    }

    @Override
    public void setLoginTimeout(int seconds) {
        DriverManager.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() {
        return DriverManager.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }

    @Override
    public String toString() {
        return "JdbcUrlDataSource[" + url + "]";
    }
}
