package dev.ferry.ftps;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * Watches one upload's progress. A write has no timeout of its own: a connection that stops taking data without
 * closing would block the route forever, so once nothing has been sent for {@code data-timeout} the plain TCP socket
 * under the TLS one is closed (closing the TLS socket itself would wait for the blocked writer's lock). From half
 * that time on, the readiness check reports the upload as stalled.
 */
final class UploadWatch implements AutoCloseable {

    /** Progress is counted per slice, so that it is seen on slow links too, not once per buffer. */
    private static final int SLICE = 16 * 1024;

    private final String remote;
    private final Duration limit;
    private final ScheduledFuture<?> check;
    private volatile long bytes;
    private volatile long lastNanos = System.nanoTime();
    private volatile boolean stalled;
    private volatile boolean localFailed;

    /**
     * Ends a data connection whose upload failed (a stall, a local failure, a stop) with a TCP reset, never TLS's
     * {@code close_notify}: a server reads a clean close as the end of the file, and S3-backed servers then keep the
     * bytes so far as a whole object (and start its {@code OnUpload} workflow). A reset makes the upload fail there too
     * ({@code OnPartialUpload}). A socket already closed is left as it is.
     */
    static void reset(Socket plain) {
        try {
            plain.setSoLinger(true, 0);
            plain.close();
        } catch (IOException ignored) {
            // already closed, or closing anyway: the point is that it is closed
        }
    }

    private UploadWatch(NetworkTimer timer, String remote, Duration limit, Socket plain) {
        this.remote = remote;
        this.limit = limit;
        this.check = timer.everySecond(() -> {
            if (idleMillis() > limit.toMillis()) {
                stalled = true;
                reset(plain);
            }
        });
    }

    /** Starts watching an upload to {@code remote} over the data connection whose TCP socket is {@code plain}. */
    static UploadWatch start(NetworkTimer timer, String remote, Duration limit, Socket plain) {
        return new UploadWatch(timer, remote, limit, plain);
    }

    /** Copies the file to the data connection through {@code buffer}, counting every slice written. */
    void copy(InputStream local, OutputStream out, byte[] buffer) throws IOException {
        for (int n; (n = read(local, buffer)) != -1;) {
            for (int offset = 0; offset < n; offset += SLICE) {
                int length = Math.min(SLICE, n - offset);
                out.write(buffer, offset, length);
                sent(length);
            }
        }
        out.flush();
    }

    private int read(InputStream local, byte[] buffer) throws IOException {
        try {
            return local.read(buffer);
        } catch (IOException e) {
            localFailed = true;
            throw e;
        }
    }

    /** Whether the copy failed reading the local file (it changed, the disk failed), not writing to the server. */
    boolean failedReadingLocal() {
        return localFailed;
    }

    void sent(int n) {
        bytes += n;
        lastNanos = System.nanoTime();
    }

    long bytes() {
        return bytes;
    }

    /** Whether the watch cut the connection. */
    boolean stalled() {
        return stalled;
    }

    /** What the readiness check says about this upload when it has been idle for half the limit, else {@code null}. */
    String stalledFor(String address) {
        long idle = idleMillis();
        if (idle <= limit.toMillis() / 2) {
            return null;
        }
        return "upload of " + remote + " to " + address + " has made no progress for " + idle / 1000 + " s after "
                + bytes + " bytes";
    }

    private long idleMillis() {
        return (System.nanoTime() - lastNanos) / 1_000_000;
    }

    @Override
    public void close() {
        check.cancel(false);
    }
}
