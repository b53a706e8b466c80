package dev.ferry.ftps;

import java.time.Duration;
import java.time.Instant;

import dev.ferry.config.FerryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a target may be tried. It pauses the whole target when it cannot be used (connection refused, TLS
 * handshake failed, login refused), with a pause that doubles on each further failure: every client checks the pause
 * before it connects, so a retry or a batch already picked up does not connect file after file, and a wrong password
 * costs a few logins an hour, not one per file. Until the target has worked since its last failure, one upload at a
 * time finds out whether it can be used. The route's gate, the readiness check and the delivery ask it; it knows
 * nothing of connections ({@link TargetPool}). One lock: its own monitor.
 */
public final class TargetBreaker {

    private static final Logger LOG = LoggerFactory.getLogger(TargetBreaker.class);

    private final Target target;
    private final FerryConfig.Backoff backoff;
    private int failures;
    /** The target has worked since the last failure: connections may be used side by side. */
    private boolean proven;
    /** One upload is finding out whether the target can be used; the others wait for its outcome. */
    private boolean probing;
    private long probeStarted;
    /** The thread of that upload: its own reconnections (a renewal, after a dropped connection) do not wait. */
    private Thread probeOwner;
    private Instant closedUntil = Instant.MIN;
    private String problem;
    /** The last failure came after a login (no data connection): only an upload proves the target usable again. */
    private boolean failedAfterLogin;
    private boolean loginRefused;

    public TargetBreaker(Target target, FerryConfig.Backoff backoff) {
        this.target = target;
        this.backoff = backoff;
    }

    public Target target() {
        return target;
    }

    /**
     * Whether the target's problem is one a TCP connection and TLS handshake can end (connection refused or timed
     * out, handshake failed): not a refused login, nor data connections refused after a login.
     */
    synchronized boolean unreachable() {
        return problem != null && !failedAfterLogin && !loginRefused;
    }

    /**
     * The idle watch could not reach the target: reported and paused as an upload would find it, unless the target
     * has a problem of another kind already (a refused login keeps its own, longer pause).
     */
    synchronized void unreachableWhileIdle(TargetUnavailableException e) {
        if (problem == null || unreachable()) {
            failed(e);
        }
    }

    /**
     * The idle watch reached the target again after it could not: the pause ends and readiness is UP, but the
     * target is not proven (no login was tried), so the next upload still finds out alone.
     */
    synchronized void reachableAgain() {
        if (!unreachable()) {
            return;
        }
        LOG.info("Target {} ({}) is reachable again after {} failed attempts", target.name(), target.address(),
                failures);
        failures = 0;
        problem = null;
        closedUntil = Instant.MIN;
        notifyAll();
    }

    public synchronized boolean isOpen() { return !Instant.now().isBefore(closedUntil); }

    /** Healthy unless the last attempt to use the target failed; the message says why. */
    public synchronized String problem() {
        return problem;
    }

    /** Throws while the target is paused. */
    public synchronized void checkOpen() throws TargetPausedException {
        if (!isOpen()) {
            throw new TargetPausedException(
                    "target " + target.name() + " is paused until " + closedUntil + ": " + problem);
        }
    }

    /**
     * Before each upload and each connection (a retry's included): throws while the target is paused. Until the
     * target has worked since its last failure (at start, after a pause), one upload at a time finds out whether it
     * can be used, and the others wait for its outcome, idle connections that are already logged in included: a
     * wrong password costs one refused login, not one per connection, which matters where refused logins lock an
     * account, and unreachable passive ports cost one login per pause. The probe's own reconnections do not wait for
     * it. A probe that takes longer than {@code connect-timeout} plus twice {@code data-timeout} (a large upload) no
     * longer holds the others.
     */
    public synchronized void admit() throws TargetUnavailableException {
        long longest = target.connectTimeout().plus(target.dataTimeout().multipliedBy(2)).toNanos();
        while (true) {
            checkOpen();
            if (proven || probing && probeOwner == Thread.currentThread()) {
                return;
            }
            // a probe that ended without an outcome is taken over once stale
            long left = probeStarted + longest - System.nanoTime();
            if (!probing || left <= 0) {
                break;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                // stopping: not the target's fault, so no pause
                throw new TargetPausedException("Interrupted while waiting to connect to " + target.address());
            }
        }
        probing = true;
        probeStarted = System.nanoTime();
        probeOwner = Thread.currentThread();
    }

    /** The target could not be used: pause it, longer after each further failure. */
    public synchronized void failed(TargetUnavailableException e) {
        if (e instanceof TargetPausedException) {
            return;
        }
        failures++;
        failedAfterLogin = e instanceof DataConnectionException;
        loginRefused = e instanceof LoginRefusedException;
        proven = false;
        probing = false;
        probeOwner = null;
        notifyAll();
        Duration first = e instanceof LoginRefusedException ? backoff.loginRefusedDelay() : backoff.initialDelay();
        Duration max = e instanceof LoginRefusedException ? backoff.loginRefusedMaxDelay() : backoff.maxDelay();
        Duration pause = first.multipliedBy(1L << Math.min(failures - 1, 20));
        if (pause.compareTo(max) > 0) {
            pause = max;
        }
        closedUntil = Instant.now().plus(pause);
        problem = e.getMessage();
        LOG.warn("Target {} ({}) unavailable, failure {}: {}. Its files wait; next try in {} s", target.name(),
                target.address(), failures, e.getMessage(), pause.toMillis() / 1000.0);
    }

    /**
     * A login succeeded. After a connection, TLS or login failure that is the end of the target's problem, and
     * connections may be used side by side again. After a data-connection failure (passive ports unreachable, data
     * connection refused) it is not, since every login succeeds while every upload fails: the probing upload stays
     * the only one until it has an outcome, the pause keeps growing and readiness stays DOWN meanwhile.
     */
    synchronized void loggedIn() {
        if (!failedAfterLogin) {
            succeeded();
        }
    }

    /**
     * An upload failed for a reason of the file's own (a refused STOR, a size mismatch, a file changed while read):
     * the server answered about the file, its passive port was reached, so a data-connection problem is over; and a
     * probe that ended so no longer holds the others.
     */
    synchronized void fileFailed() {
        if (failedAfterLogin) {
            succeeded();
        } else if (probing && probeOwner == Thread.currentThread()) {
            probing = false;
            probeOwner = null;
            notifyAll();
        }
    }

    /** An upload succeeded (or a login, after a failure before it): the target is usable again. */
    public synchronized void succeeded() {
        if (failures > 0) {
            LOG.info("Target {} ({}) is reachable again after {} failed attempts", target.name(), target.address(),
                    failures);
        }
        failures = 0;
        failedAfterLogin = false;
        loginRefused = false;
        problem = null;
        closedUntil = Instant.MIN;
        proven = true;
        probing = false;
        probeOwner = null;
        notifyAll();
    }
}
