package dev.ferry.route;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a route's poll is stuck: a poll under way during which nothing has moved for
 * {@code ferry.health.poll-stuck-after}. Moving is listing a file, handing one over, or reading file bytes for an
 * upload; a poll that waits for a long upload that keeps sending is not stuck. A listing that hangs (a dead NFS or
 * EFS mount) or a poll blocked behind uploads that send nothing is. Camel's own consumer check stays UP in both cases
 * (CAMEL-26998, open in Camel 4.15), so the readiness check asks this.
 */
public final class PollWatch {

    private final Duration stuckAfter;
    private volatile long pollStartedNanos;
    private volatile boolean polling;
    private volatile long lastProgressNanos;

    PollWatch(Duration stuckAfter) {
        this.stuckAfter = stuckAfter;
    }

    void pollStarted() {
        long now = System.nanoTime();
        pollStartedNanos = now;
        lastProgressNanos = now;
        polling = true;
    }

    void pollEnded() {
        polling = false;
    }

    /** Something moved: cheap enough to be called for every block of bytes read. */
    void progress() {
        lastProgressNanos = System.nanoTime();
    }

    /** Why the poll is stuck, or {@code null} when it is not (or none is under way). */
    public String stuck() {
        if (!polling) {
            return null;
        }
        long now = System.nanoTime();
        Duration still = Duration.ofNanos(now - lastProgressNanos);
        if (still.compareTo(stuckAfter) < 0) {
            return null;
        }
        Instant started = Instant.now().minusNanos(now - pollStartedNanos);
        return "the poll that started at " + started + " has made no progress for " + still.toSeconds()
                + " s (ferry.health.poll-stuck-after is " + stuckAfter.toSeconds() + " s): no file listed, handed"
                + " over or read. Look for a source directory that does not answer (a dead network mount) or"
                + " uploads that send nothing";
    }
}
