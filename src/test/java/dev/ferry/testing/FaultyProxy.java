package dev.ferry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on loopback that forwards faithfully until told to break the next connection that carries enough data:
 * {@link Fault#CUT} closes it mid-transfer, {@link Fault#STALL} stops forwarding without closing, as a dead NAT or
 * firewall does. One fault plan can be shared by several proxies (one per passive data port).
 */
public final class FaultyProxy implements AutoCloseable {

    public enum Fault {
        CUT, STALL
    }

    /** The armed fault, shared by the proxies of one test; it fires once. */
    public static final class Plan {

        private final AtomicReference<Fault> armed = new AtomicReference<>();
        private volatile long afterBytes;
        private volatile long firedAtNanos;

        public void arm(Fault fault, long afterBytes) {
            this.afterBytes = afterBytes;
            armed.set(fault);
        }

        /** When the fault fired (System.nanoTime), or 0. */
        public long firedAtNanos() {
            return firedAtNanos;
        }

        Fault fire(long bytes) {
            Fault fault = armed.get();
            if (fault != null && bytes >= afterBytes && armed.compareAndSet(fault, null)) {
                firedAtNanos = System.nanoTime();
                return fault;
            }
            return null;
        }
    }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Plan plan;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean frozen;

    public FaultyProxy(InetAddress bind, int port, InetSocketAddress target, Plan plan) throws IOException {
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(bind, port));
        this.target = target;
        this.plan = plan;
        Thread acceptor = new Thread(this::accept, "proxy-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            try {
                Socket server = new Socket(target.getAddress(), target.getPort());
                sockets.add(client);
                sockets.add(server);
                pump(client, server, true);
                pump(server, client, false);
            } catch (IOException e) {
                // nothing listens behind this port right now: refuse this one connection, keep serving
                try {
                    client.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean upstream) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            long bytes = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) != -1;) {
                    if (!frozen) {
                        out.write(buffer, 0, n);
                    }
                    bytes += n;
                    if (frozen) {
                        // what came in after the freeze is never forwarded: the server seems gone, its TCP stays up
                        closed.await();
                        return;
                    }
                    Fault fault = upstream ? plan.fire(bytes) : null;
                    if (fault == Fault.CUT) {
                        from.close();
                        to.close();
                        return;
                    }
                    if (fault == Fault.STALL) {
                        closed.await();
                        return;
                    }
                }
                to.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                // the other side went away
            }
        }, "proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** From now on nothing is forwarded on any connection, and none is closed: a server that stopped answering. */
    public void freeze() {
        frozen = true;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return sockets.size() / 2;
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
