package dev.ferry.ftps;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * An overall bound on one network wait (a reply, a TLS handshake, the drain after an upload). A socket's read
 * timeout bounds each read only: a server that trickles a byte at a time would hold a route forever. When the
 * deadline passes, the socket is closed, which ends the blocked read with an exception.
 */
final class Deadline implements AutoCloseable {

    private final ScheduledFuture<?> task;
    private volatile boolean expired;

    private Deadline(NetworkTimer timer, Duration limit, Closeable socket) {
        this.task = timer.after(limit, () -> {
            expired = true;
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is the point
            }
        });
    }

    /** Closes {@code socket} after {@code limit}: the plain TCP socket (a TLS one would wait for a blocked writer). */
    static Deadline after(NetworkTimer timer, Duration limit, Closeable socket) {
        return new Deadline(timer, limit, socket);
    }

    boolean expired() {
        return expired;
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
