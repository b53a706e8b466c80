package dev.ferry.ftps;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An overall bound on one network wait (a reply, a TLS handshake, the drain after an upload). A socket's read
 * timeout bounds each read only: a server that trickles a byte at a time would hold a route forever. When the
 * deadline passes, the socket is closed, which ends the blocked read with an exception.
 */
final class Deadline implements AutoCloseable {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ferry-network-deadline");
        thread.setDaemon(true);
        return thread;
    });

    private final ScheduledFuture<?> task;
    private volatile boolean expired;

    private Deadline(Duration limit, Closeable socket) {
        this.task = TIMER.schedule(() -> {
            expired = true;
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is the point
            }
        }, Math.max(1, limit.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Closes {@code socket} after {@code limit}: the plain TCP socket (a TLS one would wait for a blocked writer). */
    static Deadline after(Duration limit, Closeable socket) {
        return new Deadline(limit, socket);
    }

    /** Runs {@code task} every second until cancelled: the upload watchdog. */
    static ScheduledFuture<?> everySecond(Runnable task) {
        return TIMER.scheduleWithFixedDelay(task, 1, 1, TimeUnit.SECONDS);
    }

    boolean expired() {
        return expired;
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
