package io.upgradesdk.testservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy in front of a tiny echo server: each fault as a client sees it. */
class FaultProxyTest {

    private ServerSocket echo;
    private FaultProxy proxy;

    @BeforeEach
    void startEchoServerBehindAProxy() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::echoLoop, "echo");
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = FaultProxy.to("127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void forwardsBothWaysWhileNoFaultIsOn() throws IOException {
        try (Socket socket = connect()) {
            assertThat(roundTrip(socket, "hello")).isEqualTo("hello");
        }
        assertThat(proxy.connectionsAccepted()).isEqualTo(1);
        assertThat(proxy.bytesForwarded()).isEqualTo(10);
    }

    @Test
    void aResetBreaksOpenConnectionsAndLetsNewOnesThrough() throws Exception {
        try (Socket socket = connect()) {
            assertThat(roundTrip(socket, "before")).isEqualTo("before");

            assertThat(proxy.resetConnections()).isEqualTo(1);

            assertThatThrownBy(() -> {
                roundTrip(socket, "after");
                roundTrip(socket, "after");
            }).isInstanceOf(IOException.class);
        }
        try (Socket again = connect()) {
            assertThat(roundTrip(again, "again")).isEqualTo("again");
        }
        assertThat(proxy.connectionsReset()).isEqualTo(1);
    }

    @Test
    void aStallHoldsTheBytesUntilItIsLifted() throws IOException {
        try (Socket socket = connect()) {
            proxy.stall(true);
            socket.getOutputStream().write("held".getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(300);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

            proxy.stall(false);
            socket.setSoTimeout(5_000);
            assertThat(new String(socket.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("held");
        }
    }

    @Test
    void latencyDelaysEachChunkInEachDirection() throws IOException {
        proxy.latency(Duration.ofMillis(150));
        try (Socket socket = connect()) {
            long start = System.nanoTime();
            assertThat(roundTrip(socket, "slow")).isEqualTo("slow");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
        proxy.heal();
        try (Socket socket = connect()) {
            assertThat(roundTrip(socket, "fast")).isEqualTo("fast");
        }
    }

    @Test
    void refusedConnectionsAreResetAtOnceUntilHealed() throws IOException {
        proxy.refuseConnections(true);
        try (Socket socket = connect()) {
            assertThatThrownBy(() -> {
                roundTrip(socket, "no");
                roundTrip(socket, "no");
            }).isInstanceOf(IOException.class);
        }
        proxy.heal();
        try (Socket socket = connect()) {
            assertThat(roundTrip(socket, "yes")).isEqualTo("yes");
        }
    }

    @Test
    void negativeLatencyIsRefused() {
        assertThatThrownBy(() -> proxy.latency(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be negative");
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", proxy.port());
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
        byte[] back = socket.getInputStream().readNBytes(bytes.length);
        if (back.length < bytes.length) {
            throw new IOException("connection closed after " + back.length + " bytes");
        }
        return new String(back, StandardCharsets.US_ASCII);
    }

    private void echoLoop() {
        while (!echo.isClosed()) {
            try {
                Socket socket = echo.accept();
                Thread pump = new Thread(() -> echoBack(socket), "echo-conn");
                pump.setDaemon(true);
                pump.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void echoBack(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            byte[] buffer = new byte[1024];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }
}
