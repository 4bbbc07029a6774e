package io.upgradesdk.testservers;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on a free port of 127.0.0.1 that forwards to a real server and injects network
 * faults on command, for tests of what the SDK does when the network misbehaves mid-run:
 *
 * <ul>
 *   <li>{@link #resetConnections()}: every open connection is reset (TCP RST, as a crashed peer or a
 *       firewall does); new connections work again;</li>
 *   <li>{@link #refuseConnections(boolean)}: new connections are accepted and reset at once;</li>
 *   <li>{@link #latency(Duration)}: each chunk forwarded, in either direction, waits first;</li>
 *   <li>{@link #stall(boolean)}: nothing is forwarded any more (a black hole: connections stay open,
 *       bytes are held) until the stall is lifted;</li>
 *   <li>{@link #heal()}: all faults off.</li>
 * </ul>
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.to("127.0.0.1", redis.port())) {
 *     RedisURI uri = RedisURI.create("redis://127.0.0.1:" + proxy.port());
 *     ...
 *     proxy.resetConnections();
 * }
 * }</pre>
 *
 * Counters ({@link #connectionsAccepted()}, {@link #connectionsReset()}, {@link #bytesForwarded()})
 * let a test show that a fault really hit the run. Closing the proxy closes every connection.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
    private static final int CHUNK = 16 * 1024;

    private final InetSocketAddress upstream;
    private final ServerSocket listener;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong reset = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final Object gate = new Object();
    private volatile boolean stalled;
    private volatile boolean refusing;
    private volatile Duration latency = Duration.ZERO;
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress upstream, ServerSocket listener) {
        this.upstream = upstream;
        this.listener = listener;
    }

    /** Starts a proxy forwarding to {@code host:port}, listening on a free port of 127.0.0.1. */
    public static FaultProxy to(String host, int port) {
        requireNonNull(host, "host");
        try {
            ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            FaultProxy proxy = new FaultProxy(new InetSocketAddress(host, port), listener);
            Thread acceptor = new Thread(proxy::acceptLoop, "fault-proxy-accept-" + listener.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a listening socket on 127.0.0.1", e);
        }
    }

    /** The port to connect to instead of the server's. */
    public int port() {
        return listener.getLocalPort();
    }

    /** {@code scheme://127.0.0.1:port}, e.g. {@code url("http")} for an Elasticsearch node. */
    public String url(String scheme) {
        return scheme + "://127.0.0.1:" + port();
    }

    /** Resets every open connection (RST to both ends); returns how many were open. */
    public int resetConnections() {
        int count = 0;
        for (Link link : links) {
            if (link.reset()) {
                count++;
            }
        }
        reset.addAndGet(count);
        LOG.info("fault proxy {} -> {}: reset {} connection(s)", port(), upstream, count);
        return count;
    }

    /** While on, each new connection is accepted and reset at once. */
    public void refuseConnections(boolean on) {
        refusing = on;
    }

    /** Delay added before each chunk is forwarded, in either direction; zero for none. */
    public void latency(Duration delay) {
        requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + delay);
        }
        latency = delay;
    }

    /** While on, no byte is forwarded: connections stay open and silent, like a black-holed route. */
    public void stall(boolean on) {
        synchronized (gate) {
            stalled = on;
            gate.notifyAll();
        }
    }

    /** All faults off: no stall, no latency, connections accepted. */
    public void heal() {
        refuseConnections(false);
        latency(Duration.ZERO);
        stall(false);
    }

    /** Connections accepted from clients since the start. */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /** Open connections reset by {@link #resetConnections()} or refused, since the start. */
    public long connectionsReset() {
        return reset.get();
    }

    /** Bytes forwarded in both directions since the start. */
    public long bytesForwarded() {
        return forwarded.get();
    }

    @Override
    public void close() {
        closed = true;
        stall(false);
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("closing the listener failed", e);
        }
        links.forEach(Link::close);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("fault proxy {}: accept failed", port(), e);
                }
                return;
            }
            accepted.incrementAndGet();
            if (refusing) {
                abort(client);
                reset.incrementAndGet();
                continue;
            }
            connect(client);
        }
    }

    private void connect(Socket client) {
        Socket server = new Socket();
        try {
            server.connect(upstream, 10_000);
        } catch (IOException e) {
            LOG.info("fault proxy {}: upstream {} unreachable: {}", port(), upstream, e.getMessage());
            abort(client);
            closeQuietly(server);
            return;
        }
        Link link = new Link(client, server);
        links.add(link);
        link.start();
    }

    /** Waits while stalled, then for the configured latency; false when the proxy closed meanwhile. */
    private boolean awaitForwarding() throws InterruptedException {
        synchronized (gate) {
            while (stalled && !closed) {
                gate.wait();
            }
        }
        Duration delay = latency;
        if (!delay.isZero()) {
            Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
        }
        return !closed;
    }

    private static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0); // close sends RST instead of FIN
        } catch (SocketException e) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** One client connection and its upstream connection, with a pump thread per direction. */
    private final class Link {
        private final Socket client;
        private final Socket server;
        private volatile boolean done;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            String name = "fault-proxy-" + port() + "-" + client.getPort();
            startPump(name + "-up", client, server);
            startPump(name + "-down", server, client);
        }

        private void startPump(String name, Socket from, Socket to) {
            Thread pump = new Thread(() -> pump(from, to), name);
            pump.setDaemon(true);
            pump.start();
        }

        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[CHUNK];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    if (!awaitForwarding() || done) {
                        break;
                    }
                    forwarded.addAndGet(read); // counted first: the peer may act on the bytes at once
                    out.write(buffer, 0, read);
                    out.flush();
                }
                close();
            } catch (IOException e) {
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
            }
        }

        /** Resets both ends; false when the link was already finished. */
        boolean reset() {
            if (done) {
                return false;
            }
            done = true;
            abort(client);
            abort(server);
            links.remove(this);
            return true;
        }

        void close() {
            if (done) {
                return;
            }
            done = true;
            closeQuietly(client);
            closeQuietly(server);
            links.remove(this);
        }
    }
}
