package dev.ferry.ftps;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of a target's connections while a route holds it: its own {@link FtpsClient} (control connection, TLS
 * context), and what the route built on it (camel-ftp's producer), closed with it. Used by one upload at a time: a
 * route {@linkplain TargetPool.Share#acquire() acquires} it for a file and releases it after.
 */
public final class Connection {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    private final FtpsClient client;
    private AutoCloseable attachment;

    Connection(FtpsClient client) {
        this.client = client;
    }

    public FtpsClient client() {
        return client;
    }

    /** What the route built on this connection, made on first use. */
    public <T extends AutoCloseable> T attachment(Class<T> type, Supplier<T> make) {
        if (attachment == null) {
            attachment = make.get();
        }
        return type.cast(attachment);
    }

    /** Closes what was built on it and the control connection. */
    void close() {
        try {
            if (attachment != null) {
                attachment.close();
            }
            if (client.isConnected()) {
                client.disconnect();
            }
        } catch (Exception e) {
            LOG.debug("Closing a connection to {}: {}", client, e.toString());
        }
    }

    /**
     * Closes the connections side by side with {@code close}: each may wait for its QUIT reply (at most a couple of
     * seconds, see {@link FtpsClient#logout}), and a stop must not wait for them one after the other. Returns after
     * {@code wait} at the latest; a connection still closing then is left to finish by itself.
     */
    static void closeSideBySide(List<Connection> connections, Consumer<Connection> close, Duration wait,
            String target) {
        if (connections.size() <= 1) {
            connections.forEach(close);
            return;
        }
        List<Thread> closing = new ArrayList<>();
        for (Connection connection : connections) {
            Thread thread = new Thread(() -> close.accept(connection), "ferry-close-" + target);
            thread.setDaemon(true);
            thread.start();
            closing.add(thread);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            for (Thread thread : closing) {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
