package dev.ferry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A slow link in user space (this kernel has no netem): a TCP proxy on 127.0.0.1 in front of a control port that
 * holds every chunk the server sends back for a fixed time, in order; what the client sends goes straight through.
 * Data connections (passive ports) are not proxied: the replies that announce them are delayed already.
 */
public final class DelayingProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final long delayNanos;

    private DelayingProxy(ServerSocket listener, int target, long delayNanos) {
        this.listener = listener;
        this.target = target;
        this.delayNanos = delayNanos;
    }

    /** Listens on a free port of 127.0.0.1, forwarding to 127.0.0.1:{@code target}. */
    public static DelayingProxy start(int target, long delayMs) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        DelayingProxy proxy = new DelayingProxy(listener, target, TimeUnit.MILLISECONDS.toNanos(delayMs));
        daemon(proxy::accept);
        return proxy;
    }

    public int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                daemon(() -> forward(client, server));
                delayed(server, client);
            } catch (IOException e) {
                // closed, or the server is gone: the client sees its connection end
            }
        }
    }

    private static void forward(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // either side closed
        } finally {
            closeBoth(from, to);
        }
    }

    private record Chunk(byte[] bytes, long due) {
    }

    /** One thread reads and stamps each chunk with when it may leave; another sends it then. */
    private void delayed(Socket from, Socket to) {
        LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        daemon(() -> {
            try (InputStream in = from.getInputStream()) {
                byte[] buffer = new byte[16384];
                for (int n; (n = in.read(buffer)) > 0;) {
                    queue.add(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos));
                }
            } catch (IOException e) {
                // closed
            }
            queue.add(new Chunk(null, System.nanoTime() + delayNanos));
        });
        daemon(() -> {
            try (OutputStream out = to.getOutputStream()) {
                for (Chunk chunk = queue.take(); chunk.bytes() != null; chunk = queue.take()) {
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, chunk.due() - System.nanoTime()));
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // closed
            } finally {
                closeBoth(from, to);
            }
        });
    }

    private static void closeBoth(Socket a, Socket b) {
        for (Socket s : new Socket[]{a, b}) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
    }

    private static void daemon(Runnable run) {
        Thread thread = new Thread(run, "delaying-proxy");
        thread.setDaemon(true);
        thread.start();
    }
}
