package dev.ferry.ftps;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.ferry.config.FerryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One target's connections, and whether the target may be used. It holds at most {@code max-connections}
 * connections at once, each one {@link FtpsClient} (its own control connection and TLS context, logged in and made
 * ready in {@link FtpsClient#login}) belonging to one route while it exists: a route holds at most all of them, or
 * one less when other routes ship to the target, so a busy route never takes the last; a route that needs one and
 * finds none free closes an idle one of another route, or waits for one. It pauses the whole target
 * when it cannot be used (connection refused, TLS handshake failed, login refused), with a pause that doubles on each
 * further failure: every client checks the pause before it connects, so a retry or a batch already picked up does
 * not connect file after file, and a wrong password costs a few logins an hour, not one per file. The health check
 * asks it for the target's problem and the uploads under way.
 */
public final class TargetConnections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TargetConnections.class);
    /** The longest a stop waits for a route's idle connections to close (their QUIT replies, side by side). */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    private final Target target;
    private final FerryConfig.Backoff backoff;
    private final List<FtpsClient> clients = new CopyOnWriteArrayList<>();
    private final NetworkTimer timer;
    /** Guards the connections' bookkeeping below and in each {@link RouteConnections}. */
    private final Object pool = new Object();
    private final List<RouteConnections> routes = new ArrayList<>();
    private int held;
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
    /** When an upload last took or gave back a connection (System.nanoTime). */
    private volatile long lastUse = System.nanoTime();
    private final IdleWatch watch;

    public TargetConnections(Target target, FerryConfig.Backoff backoff) {
        this.target = target;
        this.backoff = backoff;
        this.timer = NetworkTimer.start("ferry-" + target.name() + "-timer");
        this.watch = new IdleWatch(this, timer);
    }

    /** Starts checking the target's state while no file goes to it ({@link IdleWatch}); the service only. */
    public void watchWhileIdle() {
        watch.start();
    }

    public Target target() {
        return target;
    }

    /** A route's share of this target's connections; {@code fromRoot} as {@link FtpsClient} takes it. */
    public RouteConnections forRoute(String route, boolean fromRoot) {
        RouteConnections share = new RouteConnections(this, route, fromRoot);
        synchronized (pool) {
            routes.add(share);
        }
        return share;
    }

    /** How many connections one route may hold: all, or one less when other routes ship to this target. */
    private int limitPerRoute() {
        int max = target.maxConnections();
        return routes.size() > 1 ? Math.max(1, max - 1) : max;
    }

    Connection acquire(RouteConnections route) throws InterruptedException {
        Connection evicted = null;
        lastUse = System.nanoTime();
        synchronized (pool) {
            while (true) {
                if (route.closed) {
                    throw new IllegalStateException("route " + route.route() + " has stopped");
                }
                if (!route.idle.isEmpty()) {
                    return route.idle.pop();
                }
                if (route.held < limitPerRoute()) {
                    if (held < target.maxConnections()) {
                        held++;
                        break;
                    }
                    RouteConnections other = routes.stream().filter(r -> r != route && !r.idle.isEmpty())
                            .findFirst().orElse(null);
                    if (other != null) {
                        evicted = other.idle.removeLast();
                        other.held--;
                        break;
                    }
                }
                pool.wait(1000);
            }
            route.held++;
        }
        if (evicted != null) {
            discard(evicted);
        }
        try {
            return route.newConnection();
        } catch (RuntimeException e) {
            synchronized (pool) {
                route.held--;
                held--;
                pool.notifyAll();
            }
            throw e;
        }
    }

    void release(RouteConnections route, Connection connection) {
        lastUse = System.nanoTime();
        synchronized (pool) {
            if (!route.closed) {
                route.idle.push(connection);
                pool.notifyAll();
                return;
            }
            route.held--;
            held--;
            pool.notifyAll();
        }
        discard(connection);
    }

    void close(RouteConnections route) {
        List<Connection> idle;
        synchronized (pool) {
            route.closed = true;
            idle = new ArrayList<>(route.idle);
            route.idle.clear();
            route.held -= idle.size();
            held -= idle.size();
            routes.remove(route);
            pool.notifyAll();
        }
        Connection.closeSideBySide(idle, this::discard, CLOSE_WAIT, target.name());
    }

    /**
     * For {@link IdleWatch}: one idle connection taken out of its route's share while it is checked, when nothing has
     * used the target for {@code quiet} (a {@link Borrowed} without a connection when none is open), and
     * {@link Optional#empty} when an upload is under way or ran lately: its outcome speaks for the target.
     */
    Optional<Borrowed> borrowIdle(Duration quiet) {
        if (System.nanoTime() - lastUse < quiet.toNanos()) {
            return Optional.empty();
        }
        synchronized (pool) {
            int idle = routes.stream().mapToInt(r -> r.idle.size()).sum();
            if (held > idle) {
                return Optional.empty();
            }
            for (RouteConnections route : routes) {
                if (!route.idle.isEmpty()) {
                    return Optional.of(new Borrowed(route, route.idle.removeLast()));
                }
            }
            return Optional.of(new Borrowed(null, null));
        }
    }

    /** What the idle watch took: given back when it still works, else closed. */
    record Borrowed(RouteConnections route, Connection connection) {
    }

    void giveBack(Borrowed borrowed, boolean works) {
        if (works) {
            // the watch's own use is not an upload's
            long use = lastUse;
            release(borrowed.route(), borrowed.connection());
            lastUse = use;
            return;
        }
        synchronized (pool) {
            borrowed.route().held--;
            held--;
            pool.notifyAll();
        }
        discard(borrowed.connection());
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

    /** Connections held by the target's routes, idle or in use. */
    public int held() {
        synchronized (pool) {
            return held;
        }
    }

    private void discard(Connection connection) {
        clients.remove(connection.client());
        connection.close();
    }

    /** A client, not yet connected; {@code fromRoot} as {@link FtpsClient} takes it. */
    FtpsClient newClient(boolean fromRoot) {
        FtpsClient client = new FtpsClient(target, fromRoot, timer);
        client.onLogin(this::loggedIn);
        client.connectGuard(this::admit);
        clients.add(client);
        return client;
    }

    /** The uploads under way that have made no progress for half the data timeout, described. */
    public List<String> stalledUploads() {
        return clients.stream().map(FtpsClient::stalledUpload).filter(Objects::nonNull).toList();
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
     * Before each upload and each connection (a retry's included): throws while the target is paused. Until the target has worked since
     * its last failure (at start, after a pause), one upload at a time finds out whether it can be used, and the
     * others wait for its outcome, idle connections that are already logged in included: a wrong password costs one
     * refused login, not one per connection, which matters where refused logins lock an account, and unreachable
     * passive ports cost one login per pause. The probe's own reconnections do not wait for it. A probe that takes
     * longer than {@code connect-timeout} plus twice {@code data-timeout} (a large upload) no longer holds the
     * others.
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
                target.address(),
                failures, e.getMessage(), pause.toMillis() / 1000.0);
    }

    /** Stops the timer of this target's connections: the application has stopped using them. */
    @Override
    public void close() {
        watch.close();
        timer.close();
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
