package dev.ferry.ftps;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One target's connections: lends them, takes them back and evicts them. It holds at most {@code max-connections}
 * connections at once, each one {@link FtpsClient} (its own control connection and TLS context, logged in and made
 * ready in {@link FtpsClient#login}) belonging to one route's {@link Share} while it exists: a route holds at most all
 * of them, or one less when other routes ship to the target, so a busy route never takes the last; a route that needs
 * one and finds none free closes an idle one of another route, or waits for one. Whether the target may be tried is
 * its {@link TargetBreaker}'s to say: every connection asks it before it connects, and every lent connection before
 * its upload. One lock: this pool's monitor, which guards the shares too.
 */
public final class TargetPool implements AutoCloseable {

    /** The longest a stop waits for a route's idle connections to close (their QUIT replies, side by side). */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    private final Target target;
    private final TargetBreaker breaker;
    private final List<FtpsClient> clients = new CopyOnWriteArrayList<>();
    private final NetworkTimer timer;
    private final List<Share> shares = new ArrayList<>();
    private int held;
    /** When an upload last took or gave back a connection (System.nanoTime). */
    private volatile long lastUse = System.nanoTime();
    private final IdleWatch watch;

    public TargetPool(TargetBreaker breaker) {
        this.target = breaker.target();
        this.breaker = breaker;
        this.timer = NetworkTimer.start("ferry-" + target.name() + "-timer");
        this.watch = new IdleWatch(this, breaker, timer);
    }

    /** Starts checking the target's state while no file goes to it ({@link IdleWatch}); the service only. */
    public void watchWhileIdle() {
        watch.start();
    }

    public Target target() {
        return target;
    }

    public TargetBreaker breaker() {
        return breaker;
    }

    /** A route's share of this target's connections, for uploads into {@code remoteDir}. */
    public Share forRoute(String route, RemoteDir remoteDir) {
        Share share = new Share(route, remoteDir);
        synchronized (this) {
            shares.add(share);
        }
        return share;
    }

    /** Connections held by the target's routes, idle or in use. */
    public synchronized int held() {
        return held;
    }

    /** The uploads under way that have made no progress for half the data timeout, described. */
    public List<String> stalledUploads() {
        return clients.stream().map(FtpsClient::stalledUpload).filter(Objects::nonNull).toList();
    }

    /** How many connections one route may hold: all, or one less when other routes ship to this target. */
    private int limitPerRoute() {
        int max = target.maxConnections();
        return shares.size() > 1 ? Math.max(1, max - 1) : max;
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
        synchronized (this) {
            int idle = shares.stream().mapToInt(s -> s.idle.size()).sum();
            if (held > idle) {
                return Optional.empty();
            }
            for (Share share : shares) {
                if (!share.idle.isEmpty()) {
                    return Optional.of(new Borrowed(share, share.idle.removeLast()));
                }
            }
            return Optional.of(new Borrowed(null, null));
        }
    }

    /** What the idle watch took: given back when it still works, else closed. */
    record Borrowed(Share share, Connection connection) {
    }

    void giveBack(Borrowed borrowed, boolean works) {
        if (works) {
            // the watch's own use is not an upload's
            long use = lastUse;
            borrowed.share().release(borrowed.connection());
            lastUse = use;
            return;
        }
        synchronized (this) {
            borrowed.share().drop(1);
        }
        discard(borrowed.connection());
    }

    private void discard(Connection connection) {
        clients.remove(connection.client());
        connection.close();
    }

    /** Stops the timer of this target's connections: the application has stopped using them. */
    @Override
    public void close() {
        watch.close();
        timer.close();
    }

    /**
     * One route's share of the target's connections: the ones it holds, idle or in use. Its state is guarded by the
     * pool's lock.
     */
    public final class Share {

        private final String route;
        private final RemoteDir remoteDir;
        /** Connections not in use, most recently used first: that one is taken next, the last is closed first. */
        private final Deque<Connection> idle = new ArrayDeque<>();
        /** Connections held, idle or in use. */
        private int heldByRoute;
        private boolean closed;

        private Share(String route, RemoteDir remoteDir) {
            this.route = route;
            this.remoteDir = remoteDir;
        }

        public String route() {
            return route;
        }

        /** Where the route's files go: its connections start at the server's root when it is absolute. */
        public RemoteDir remoteDir() {
            return remoteDir;
        }

        /**
         * A connection for one upload, waiting while the route holds as many as it may or the target has none left,
         * and while another upload finds out whether the paused target can be used again
         * ({@link TargetBreaker#admit}). Release it with {@link #release} whatever the upload's outcome, after
         * {@link #uploadFailed} for a failure that was the file's.
         */
        public Connection acquire() throws InterruptedException, TargetUnavailableException {
            Connection connection = lend();
            try {
                breaker.admit();
            } catch (TargetUnavailableException | RuntimeException e) {
                release(connection);
                throw e;
            }
            return connection;
        }

        private Connection lend() throws InterruptedException {
            Connection evicted = null;
            lastUse = System.nanoTime();
            synchronized (TargetPool.this) {
                while (true) {
                    if (closed) {
                        throw new IllegalStateException("route " + route + " has stopped");
                    }
                    if (!idle.isEmpty()) {
                        return idle.pop();
                    }
                    if (heldByRoute < limitPerRoute()) {
                        if (held < target.maxConnections()) {
                            held++;
                            break;
                        }
                        Share other = shares.stream().filter(s -> s != this && !s.idle.isEmpty()).findFirst()
                                .orElse(null);
                        if (other != null) {
                            evicted = other.idle.removeLast();
                            other.heldByRoute--;
                            break;
                        }
                    }
                    TargetPool.this.wait(1000);
                }
                heldByRoute++;
            }
            if (evicted != null) {
                discard(evicted);
            }
            try {
                return newConnection();
            } catch (RuntimeException e) {
                synchronized (TargetPool.this) {
                    drop(1);
                }
                throw e;
            }
        }

        /** The upload failed for a reason of the file's own: the server answered about it, so the target works. */
        public void uploadFailed() {
            breaker.fileFailed();
        }

        public void release(Connection connection) {
            lastUse = System.nanoTime();
            synchronized (TargetPool.this) {
                if (!closed) {
                    idle.push(connection);
                    TargetPool.this.notifyAll();
                    return;
                }
                drop(1);
            }
            discard(connection);
        }

        /** The route has stopped: its connections are closed, and the target's other routes may have their share. */
        public void close() {
            List<Connection> closing;
            synchronized (TargetPool.this) {
                closed = true;
                closing = new ArrayList<>(idle);
                idle.clear();
                drop(closing.size());
                shares.remove(this);
            }
            Connection.closeSideBySide(closing, TargetPool.this::discard, CLOSE_WAIT, target.name());
        }

        /** Gives up {@code count} of the route's connections (under the pool's lock). */
        private void drop(int count) {
            heldByRoute -= count;
            held -= count;
            TargetPool.this.notifyAll();
        }

        /** A new client for this route, not yet connected: it connects on its first upload. */
        private Connection newConnection() {
            FtpsClient client = new FtpsClient(target, remoteDir.absolute(), timer);
            client.onLogin(breaker::loggedIn);
            client.connectGuard(breaker::admit);
            clients.add(client);
            return new Connection(client);
        }
    }
}
