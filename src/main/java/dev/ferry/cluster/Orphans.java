package dev.ferry.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claims left behind, each look on a thread of its own, so that a slow statement never holds a renewal or the
 * other look back: those other hosts left when their lease ended (most often a host that died), looked for every
 * {@code every}, which {@link Cluster#orphaned()} hands to the routes' polls to take over first; and every five
 * minutes the rows of files archived an hour ago, or that nobody renewed for {@code forgetAfter} (the file is gone),
 * deleted.
 */
final class Orphans {

    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
    private static final Duration FORGET_EVERY = Duration.ofMinutes(5);

    private final String owner;
    private final Duration forgetAfter;
    private final Supplier<DataSource> dataSource;
    private final int timeoutSeconds;
    private volatile Set<String> found = Set.of();
    private ScheduledExecutorService scans;

    /** {@code owner}: this process, whose own claims are never orphaned to it. */
    Orphans(String owner, Duration forgetAfter, Supplier<DataSource> dataSource, int timeoutSeconds) {
        this.owner = owner;
        this.forgetAfter = forgetAfter;
        this.dataSource = dataSource;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Looks every {@code every} while {@code reachable} says the database answers. */
    synchronized void start(Duration every, BooleanSupplier reachable) {
        // two threads: the looks for orphaned claims go on while old rows are deleted
        scans = Executors.newScheduledThreadPool(2, run -> {
            Thread thread = new Thread(run, "ferry-cluster-orphans");
            thread.setDaemon(true);
            return thread;
        });
        scans.scheduleWithFixedDelay(() -> {
            if (reachable.getAsBoolean()) {
                look();
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        scans.scheduleWithFixedDelay(() -> {
            if (reachable.getAsBoolean()) {
                forgetOld();
            }
        }, every.toMillis(), FORGET_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
        if (scans != null) {
            scans.shutdownNow();
        }
    }

    /** As found at the last look, each as {@link Cluster#orphanKey}; the set is not changed once returned. */
    Set<String> found() {
        return found;
    }

    private void look() {
        Set<String> orphaned = new HashSet<>();
        try (Connection connection = dataSource.get().getConnection();
                PreparedStatement select = connection.prepareStatement(ClaimStatements.ORPHANED)) {
            select.setQueryTimeout(timeoutSeconds);
            select.setString(1, owner);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    orphaned.add(Cluster.orphanKey(result.getString(1), result.getString(2)));
                }
            }
            found = Set.copyOf(orphaned);
        } catch (SQLException | RuntimeException e) {
            // the next renewal finds out whether the database is down
            LOG.debug("Cannot look for claims whose host died: {}", Reasons.message(e));
        }
    }

    /** A failure here is logged, and says nothing about the claims. */
    private void forgetOld() {
        try (Connection connection = dataSource.get().getConnection();
                PreparedStatement forget = connection.prepareStatement(ClaimStatements.FORGET)) {
            forget.setQueryTimeout(timeoutSeconds);
            forget.setLong(1, forgetAfter.toSeconds());
            int n = forget.executeUpdate();
            if (n > 0) {
                LOG.debug("Deleted {} claim(s) of files archived an hour ago, or nobody renewed for {} h"
                        + " (ferry.cluster.forget-after)", n, forgetAfter.toHours());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Cannot delete old claims ({}); tried again in five minutes", Reasons.message(e));
        }
    }
}
