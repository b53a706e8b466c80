package dev.ferry.ftps;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.ferry.ftps.TargetPool.Borrowed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a target's state known while no file goes to it, at a cost no server minds, and never with a login: every
 * {@code idle-check} (30 s) without an upload, a {@code NOOP} on an idle connection (which also keeps AWS Transfer
 * Family's 1,800 s idle timeout from closing it), or, with none open, a TCP connection and TLS handshake that ends
 * with {@code QUIT}. A target that cannot be reached is reported and paused as an upload would find it; once a
 * handshake succeeds again, a problem of that kind is over. Problems a handshake cannot end (a refused login, data
 * connections refused after the login) are left to the next upload, which finds out with one login.
 */
final class IdleWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IdleWatch.class);
    /** The longest the watch waits for the reply to its NOOP (or data-timeout, if shorter). */
    private static final Duration NOOP_REPLY_WAIT = Duration.ofSeconds(20);

    private final TargetPool pool;
    private final TargetBreaker breaker;
    private final Target target;
    private final NetworkTimer timer;
    private final ScheduledExecutorService executor;

    IdleWatch(TargetPool pool, TargetBreaker breaker, NetworkTimer timer) {
        this.pool = pool;
        this.breaker = breaker;
        this.target = pool.target();
        this.timer = timer;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ferry-" + target.name() + "-watch");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts watching, unless {@code idle-check} is 0 (or less). */
    void start() {
        long every = target.idleCheck().toMillis();
        if (every > 0) {
            executor.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void check() {
        try {
            Optional<Borrowed> idle = pool.borrowIdle(target.idleCheck());
            if (idle.isEmpty()) {
                return;
            }
            Borrowed borrowed = idle.get();
            if (borrowed.connection() != null) {
                boolean works = false;
                try {
                    works = noop(borrowed.connection().client());
                } finally {
                    pool.giveBack(borrowed, works);
                }
                if (works) {
                    breaker.reachableAgain();
                    return;
                }
            }
            handshake();
        } catch (RuntimeException e) {
            LOG.debug("Idle check of {} failed: {}", target.address(), e.toString());
        }
    }

    private boolean noop(FtpsClient client) {
        try {
            Duration wait = NOOP_REPLY_WAIT.compareTo(target.dataTimeout()) < 0
                    ? NOOP_REPLY_WAIT
                    : target.dataTimeout();
            return client.keepAlive(wait);
        } catch (IOException e) {
            LOG.debug("NOOP to {} failed: {}", target.address(), e.toString());
            return false;
        }
    }

    /** TCP and TLS as a login would start, then QUIT: whether the target can be reached, without a login. */
    private void handshake() {
        FtpsClient client = new FtpsClient(target, false, timer);
        try {
            client.connect(target.host(), target.port());
            breaker.reachableAgain();
        } catch (TargetUnavailableException e) {
            breaker.unreachableWhileIdle(e);
        } catch (IOException e) {
            breaker.unreachableWhileIdle(new TargetUnavailableException("Cannot reach " + target.address() + ": "
                    + e.getMessage(), e));
        } finally {
            try {
                if (client.isConnected()) {
                    client.logout();
                }
                client.close();
            } catch (IOException e) {
                // the check's outcome is known
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
