package dev.ferry.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claims this process holds, and until when they are surely still its own: the last renewal's start plus the
 * lease, less a margin (a sixth of the lease, at least 2 s), on this host's monotonic clock, so that the lease, kept on
 * the database's clock, cannot have ended meanwhile. All of them are renewed in one statement ({@link #renew}), whose
 * answer says which are still this process's.
 */
final class Leases {

    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
    /** A lease is given up this long before it could end on the database's clock, at the least. */
    private static final Duration MARGIN = Duration.ofSeconds(2);

    private final String owner;
    private final Duration lease;
    /** The claims this process holds, with when (System.nanoTime) it made each. */
    private final Map<FileKey, Long> held = new ConcurrentHashMap<>();
    /**
     * Until when (System.nanoTime) every claim of this process is surely still its own. A claim made since the last
     * renewal ends later; one made before was renewed then.
     */
    private volatile long heldUntil;
    private volatile long lastRenewal;

    Leases(String owner, Duration lease) {
        this.owner = owner;
        this.lease = lease;
    }

    /** A claim the database committed: its lease ends after that of the last renewal, which the checks go by. */
    void add(FileKey file) {
        // stamped once committed: a renewal that began before cannot have seen it
        held.put(file, System.nanoTime());
    }

    void remove(FileKey file) {
        held.remove(file);
    }

    /** Whether the claims of this process are surely still its own (their lease cannot have ended). */
    boolean surelyHeld() {
        return heldUntil - System.nanoTime() > 0;
    }

    /** Whether this process holds the file's claim, no renewal having found it gone, and its lease surely holds. */
    boolean holds(FileKey file) {
        return held.containsKey(file) && surelyHeld();
    }

    /** Whether a third of the lease has passed since the last renewal began. */
    boolean due() {
        return System.nanoTime() - lastRenewal >= lease.toNanos() / 3;
    }

    /** Renews every claim of this process in one statement, which must answer within a third of the lease. */
    void renew(Connection connection) throws SQLException {
        Set<FileKey> renewed = new HashSet<>();
        long renewing = System.nanoTime();
        try (PreparedStatement renew = connection.prepareStatement(ClaimStatements.RENEW)) {
            renew.setQueryTimeout((int) Math.max(1, lease.toSeconds() / 3));
            renew.setLong(1, lease.toSeconds());
            renew.setString(2, owner);
            try (ResultSet result = renew.executeQuery()) {
                while (result.next()) {
                    renewed.add(new FileKey(result.getString(1), result.getString(2), result.getString(3)));
                }
            }
        }
        dropLost(renewed, renewing);
        heldUntil = renewing + lease.toNanos() - margin();
        lastRenewal = renewing;
    }

    /**
     * A claim this process made before the renewal began, which the renewal did not find its own: another host took it
     * over while this one could not reach the database. This process no longer sends or moves that file.
     */
    private void dropLost(Set<FileKey> renewed, long renewalStart) {
        for (Map.Entry<FileKey, Long> claim : held.entrySet()) {
            if (claim.getValue() - renewalStart < 0 && !renewed.contains(claim.getKey())
                    && held.remove(claim.getKey(), claim.getValue())) {
                LOG.warn("{}: its claim went to another host while this one could not reach the database; this host"
                        + " leaves the file to it", claim.getKey());
            }
        }
    }

    /** How long before its end a lease is given up: a sixth of it, at least 2 s. */
    private long margin() {
        return Math.max(MARGIN.toNanos(), lease.toNanos() / 6);
    }
}
