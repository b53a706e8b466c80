package dev.ferry.ftps;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long each reply on one control connection ({@link ControlConnection}) may take, as a whole: the socket's read timeout
 * bounds each read only, and a server trickling its reply a byte at a time would otherwise hold the route forever.
 * {@code data-timeout} by default; a file's own confirmations (of its upload, its {@code SIZE}, its rename) get what
 * {@link Target#confirmTimeout} gives a file of its size, and one that comes too late fails the file's attempt
 * without pausing the target; the idle watch's {@code NOOP} and {@code QUIT} wait less ({@link #within}). Past the
 * deadline the connection is closed: a late reply would be read as the next command's.
 */
final class ReplyDeadlines {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyDeadlines.class);

    private final ControlConnection client;
    private final Target target;
    private final NetworkTimer timer;
    /** While a file's own command runs: the file's size (see {@link #confirming}); else -1. */
    private volatile long confirmingBytes = -1;
    private volatile String confirmingWhat;
    private volatile Duration wait;
    private volatile long lastAnswerNanos;
    /** Kept: Commons Net's connect resets the closed socket's timeout, which hides the reason behind its own error. */
    private TargetUnavailableException timedOut;

    ReplyDeadlines(ControlConnection client, Target target, NetworkTimer timer) {
        this.client = client;
        this.target = target;
        this.timer = timer;
        this.lastAnswerNanos = System.nanoTime() - 60_000_000_000L;
    }

    /** Reads one reply with {@code read} within its deadline. */
    int read(IoCall<Integer> read) throws IOException {
        long confirming = confirmingBytes;
        Duration override = wait;
        Duration limit = override != null
                ? override
                : confirming < 0 ? target.dataTimeout() : target.confirmTimeout(confirming);
        boolean own = !limit.equals(target.dataTimeout());
        try (Deadline deadline = Deadline.after(timer, limit, client.controlSocket())) {
            if (own) {
                client.setSoTimeout(ControlConnection.millis(limit));
            }
            try {
                int code = read.call();
                if (code < 400) {
                    lastAnswerNanos = System.nanoTime();
                }
                return code;
            } catch (IOException e) {
                if (confirming >= 0 && (deadline.expired() || e instanceof SocketTimeoutException)) {
                    // the server is working on this file's bytes (an S3-backed rename copies them): slow, not gone.
                    // The file spends an attempt and the target stays open
                    client.closeQuietly();
                    throw new IOException(target.address() + " did not confirm " + confirmingWhat + " within "
                            + limit.toSeconds() + " s (" + target.key("data-timeout") + " plus "
                            + target.key("confirm-time-per-gib") + " for " + confirming + " bytes); this attempt "
                            + "counts as failed, the target is not paused", e);
                }
                if (deadline.expired()) {
                    timedOut = new TargetUnavailableException(
                            target.address() + " did not complete its reply within "
                                    + target.dataTimeout().toSeconds() + " s (" + target.key("data-timeout")
                                    + "); the connection was closed",
                            e);
                    throw timedOut;
                }
                throw e;
            }
        } finally {
            if (own) {
                restoreReadTimeout();
            }
        }
    }

    /** Back to {@code data-timeout} after a reply with a wait of its own; a closed connection keeps its outcome. */
    private void restoreReadTimeout() {
        try {
            if (client.controlOpen()) {
                client.setSoTimeout(ControlConnection.millis(target.dataTimeout()));
            }
        } catch (IOException e) {
            LOG.debug("Cannot reset the read timeout of the connection to {}: {}", target.address(), e.toString());
        }
    }

    /**
     * Runs one of a file's own commands (the confirmation of its upload, its SIZE, its rename) with the longer wait
     * for the reply that {@link Target#confirmTimeout} gives a file of {@code bytes}.
     */
    <T> T confirming(String what, long bytes, IoCall<T> command) throws IOException {
        confirmingBytes = bytes;
        confirmingWhat = what;
        try {
            return command.call();
        } finally {
            confirmingBytes = -1;
        }
    }

    /** Runs {@code command} with its replies waited for {@code limit} instead. */
    <T> T within(Duration limit, IoCall<T> command) throws IOException {
        wait = limit;
        try {
            return command.call();
        } finally {
            wait = null;
        }
    }

    /** Whether the server answered a command successfully within the last {@code nanos}. */
    boolean answeredWithin(long nanos) {
        return System.nanoTime() - lastAnswerNanos < nanos;
    }

    /** Why the last connection was closed, if a reply's deadline closed it; {@code null} otherwise. */
    TargetUnavailableException timedOut() {
        return timedOut;
    }

    /** A new connection: nothing timed out on it yet. */
    void connected() {
        timedOut = null;
    }

    @FunctionalInterface
    interface IoCall<T> {

        T call() throws IOException;
    }
}
