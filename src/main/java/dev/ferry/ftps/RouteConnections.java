package dev.ferry.ftps;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One route's share of its target's connections ({@link TargetConnections#forRoute}): the ones it holds, idle or in
 * use. Its state is guarded by the target's lock, which every change goes through.
 */
public final class RouteConnections {

    private final TargetConnections target;
    private final String route;
    private final boolean fromRoot;
    /** Connections not in use, most recently used first: that one is taken next, the last is closed first. */
    final Deque<Connection> idle = new ArrayDeque<>();
    /** Connections held, idle or in use. */
    int held;
    boolean closed;

    RouteConnections(TargetConnections target, String route, boolean fromRoot) {
        this.target = target;
        this.route = route;
        this.fromRoot = fromRoot;
    }

    public String route() {
        return route;
    }

    /**
     * A connection for one upload, waiting while the route holds as many as it may or the target has none left, and
     * while another upload finds out whether the paused target can be used again ({@link TargetConnections#admit}).
     * Release it with {@link #release} whatever the upload's outcome, after {@link #uploadFailed} for a failure that
     * was the file's.
     */
    public Connection acquire() throws InterruptedException, TargetUnavailableException {
        Connection connection = target.acquire(this);
        try {
            target.admit();
        } catch (TargetUnavailableException | RuntimeException e) {
            release(connection);
            throw e;
        }
        return connection;
    }

    /** The upload failed for a reason of the file's own: the server answered about it, so the target works. */
    public void uploadFailed() {
        target.fileFailed();
    }

    public void release(Connection connection) {
        target.release(this, connection);
    }

    /** The route has stopped: its connections are closed, and the target's other routes may have their share. */
    public void close() {
        target.close(this);
    }

    /** A new client for this route, not yet connected: it connects on its first upload. */
    Connection newConnection() {
        return new Connection(target.newClient(fromRoot));
    }
}
