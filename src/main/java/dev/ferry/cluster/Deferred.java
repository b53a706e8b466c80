package dev.ferry.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the database could not take while it could not be reached, kept in memory and done first when it answers again
 * ({@link #catchUp}, at the next renewal): deliveries to record (their files are archived only then, not sent again),
 * and the statements that settle or release claims.
 */
final class Deferred {

    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

    private final String owner;
    private final int timeoutSeconds;
    /** Deliveries the database could not take when they happened. */
    private final Set<FileKey> unrecorded = ConcurrentHashMap.newKeySet();
    /** Statements on claims that failed, by file. */
    private final Map<FileKey, String[]> statements = new ConcurrentHashMap<>();

    Deferred(String owner, int timeoutSeconds) {
        this.owner = owner;
        this.timeoutSeconds = timeoutSeconds;
    }

    void delivery(FileKey file) {
        unrecorded.add(file);
    }

    /** Whether the file's delivery waits to be recorded. */
    boolean unrecorded(FileKey file) {
        return unrecorded.contains(file);
    }

    /** Deliveries waiting to be recorded. */
    int deliveries() {
        return unrecorded.size();
    }

    /** The file's version is gone: its delivery is no longer recorded. */
    void forget(FileKey file) {
        unrecorded.remove(file);
    }

    /** Statements on the file's claim (each bound to its key and this process), run in order by {@link #catchUp}. */
    void statements(FileKey file, String... sql) {
        statements.put(file, sql);
    }

    /**
     * Records the deliveries first (they are then archived, not sent again), then runs the statements. A failure leaves
     * the rest for the next time.
     */
    void catchUp(Connection connection) throws SQLException {
        for (FileKey file : Set.copyOf(unrecorded)) {
            try (PreparedStatement update = connection.prepareStatement(ClaimStatements.DELIVERED)) {
                file.bind(update, 1);
                update.setString(4, owner);
                if (update.executeUpdate() == 1) {
                    LOG.info("{}: its delivery is recorded now that the database answers; it is archived next", file);
                } else {
                    LOG.warn("{} was delivered while the database could not be reached, and its claim has since gone"
                            + " to another host, which may send it once more", file);
                }
            }
            unrecorded.remove(file);
        }
        for (Map.Entry<FileKey, String[]> waiting : Map.copyOf(statements).entrySet()) {
            for (String sql : waiting.getValue()) {
                try (PreparedStatement update = connection.prepareStatement(sql)) {
                    update.setQueryTimeout(timeoutSeconds);
                    waiting.getKey().bind(update, 1);
                    update.setString(4, owner);
                    update.executeUpdate();
                }
            }
            statements.remove(waiting.getKey(), waiting.getValue());
        }
    }
}
