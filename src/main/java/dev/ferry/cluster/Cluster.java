package dev.ferry.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.config.FerryConfig;
import dev.ferry.ftps.Names;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several hosts on one shared source directory ({@code ferry.cluster.enabled}): before a host uploads a file it
 * claims it, with a row in PostgreSQL keyed by route, relative path and the file's exact version, owned by this
 * process and leased until a time on the database's clock (so no two hosts' clocks need agree). The lease is renewed
 * for all of the process's claims in one statement every third of it; a process that dies loses its claims when the
 * lease ends, and another host then sends the file. The delivery record lives in the same row ({@code delivered_at}),
 * set only while the claim is still the process's own; once the file is archived (or quarantined) the row is marked
 * so, and no host claims that version again (deleted an hour later).
 * <p>
 * Camel's {@code JdbcOrphanLockAwareIdempotentRepository} is not used: it measures a lock's age on each host's own
 * clock, keeps no owner (a host cannot tell its own lock from another's, nor renew only its own), takes an orphaned
 * lock over without a condition a second host could lose, and has no place for the delivery record; it also brings
 * Spring JDBC. Camel's file-cluster service elects a leader through file locks, which EFS only leases. What is left
 * is one table and a few statements ({@link ClaimStatements}), run here and by this class's parts: the process's
 * claims and their lease ({@link Leases}), what waits for the database to answer again ({@link Deferred}), the claims
 * other hosts left ({@link Orphans}).
 * <p>
 * While the database cannot be reached, the process claims nothing (its routes do not poll, {@link #accepting()}),
 * keeps the deliveries it could not record in memory and records them first when the database answers again, and
 * abandons an upload before its lease could have ended ({@link #leaseHeld()}): a file is never sent by two hosts at
 * once while the database is up. For one lease after the database (re)started no claim is taken over, so that a host
 * that delivered a file during the outage records it before another host could send it again.
 */
@ApplicationScoped
public class Cluster {

    /** How a claim went. */
    public enum Claim {
        /** This process holds the file: send it. */
        SEND,
        /** This process holds the file, which was delivered before: archive it without sending it. */
        ARCHIVE,
        /** Another host holds the file. */
        ELSEWHERE,
        /** A host archived the file: this host's listing is older than that. */
        ARCHIVED
    }

    /** A claim that went elsewhere: which host holds the file, and for how long at most. */
    public record Held(Claim claim, String host, Duration remaining) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
    /** A statement that has not answered after this long fails (a renewal: after a third of the lease). */
    private static final int STATEMENT_TIMEOUT_SECONDS = 5;
    /** How often the renewal thread looks: it renews every third of the lease, and every tick while down. */
    private static final Duration TICK = Duration.ofSeconds(1);

    private final boolean enabled;
    private final String host;
    private final String owner;
    private final Duration lease;
    private final InjectableInstance<DataSource> dataSources;
    private final InjectableInstance<Flyway> flyways;
    /** What the database could not take while it could not be reached: done first when it answers again. */
    private final Deferred deferred;
    private final Orphans orphans;
    private final Map<String, Boolean> reported = new ConcurrentHashMap<>();
    private final Leases leases;
    private volatile DataSource dataSource;
    private volatile boolean migrated;
    private volatile String down;
    private ScheduledExecutorService renewals;

    Cluster(FerryConfig config, InjectableInstance<DataSource> dataSources, InjectableInstance<Flyway> flyways) {
        FerryConfig.Cluster cluster = config.cluster();
        this.enabled = cluster.enabled();
        // looked up only when needed: a host name that does not resolve can take seconds
        this.host = !enabled ? "" : cluster.host().filter(h -> !h.isBlank()).orElseGet(Cluster::hostName);
        this.owner = host + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.lease = cluster.lease();
        this.dataSources = dataSources;
        this.flyways = flyways;
        this.leases = new Leases(owner, lease);
        this.deferred = new Deferred(owner, STATEMENT_TIMEOUT_SECONDS);
        this.orphans = new Orphans(owner, cluster.forgetAfter(), this::dataSource, STATEMENT_TIMEOUT_SECONDS);
        this.down = enabled ? "the database has not been reached yet" : null;
    }

    /**
     * Refuses a cluster configuration that cannot work, naming the key: called as the routes are made, so that the
     * message is start-up's one line.
     */
    public void validate() {
        if (enabled && lease.compareTo(Duration.ofSeconds(10)) < 0) {
            throw new ConfigurationException("ferry.cluster.lease must be at least 10s (it is " + lease + "): a host"
                    + " renews its claims every third of it (a statement may take that long) and gives its uploads up a"
                    + " sixth of it before it could end");
        }
        if (enabled && Names.breaksCommandLine(host)) {
            throw new ConfigurationException("ferry.cluster.host must not hold a line break");
        }
        if (enabled && Reasons.url().equals(Reasons.NO_URL)) {
            throw new ConfigurationException("ferry.cluster.enabled=true needs a PostgreSQL database: set"
                    + " quarkus.datasource.jdbc.url (e.g. jdbc:postgresql://db.internal:5432/ferry),"
                    + " quarkus.datasource.username and ferry.cluster.password-file");
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** This host's name, as claims, audit lines and metrics carry it. */
    public String host() {
        return host;
    }

    /** This process's name as owner of its claims: the host and a token of this run. */
    public String owner() {
        return owner;
    }

    public Duration lease() {
        return lease;
    }

    /** Why the database cannot be used now, or empty while it can. */
    public Optional<String> down() {
        return Optional.ofNullable(down);
    }

    /** Whether new files may be claimed: the database answered at the last renewal. */
    public boolean accepting() {
        return !enabled || down == null;
    }

    /** Whether the claims of this process are surely still its own (their lease cannot have ended). */
    public boolean leaseHeld() {
        return !enabled || leases.surelyHeld();
    }

    /**
     * Whether this process still holds the file's claim: it claimed it, no renewal found it gone to another host since,
     * and the lease surely holds. Checked before each block of an upload is read and before the file is moved.
     */
    public boolean holds(FileKey file) {
        return !enabled || leases.holds(file);
    }

    /** Deliveries waiting to be recorded. */
    public int unrecorded() {
        return deferred.deliveries();
    }

    /**
     * Connects, migrates the schema and starts renewing leases: the service only. {@code ferry check} and
     * {@code validate} connect on their own ({@link DatabaseProbe}).
     */
    public synchronized void start() {
        if (!enabled || renewals != null) {
            return;
        }
        dataSource();
        renewals = Executors.newSingleThreadScheduledExecutor(run -> {
            Thread thread = new Thread(run, "ferry-cluster");
            thread.setDaemon(true);
            return thread;
        });
        LOG.info("Cluster mode: this host is {} (claims owned by {}), lease {} s on the database's clock", host, owner,
                lease.toSeconds());
        renewals.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        orphans.start(TICK, () -> down == null);
    }

    /**
     * Claims one version of a file for this process.
     *
     * @throws ClusterUnavailableException the database cannot be reached (nothing is claimed)
     */
    public Held claim(FileKey file) throws ClusterUnavailableException {
        if (!accepting()) {
            throw new ClusterUnavailableException(down);
        }
        try (Connection connection = dataSource().getConnection();
                PreparedStatement claim = connection.prepareStatement(ClaimStatements.CLAIM)) {
            claim.setQueryTimeout(STATEMENT_TIMEOUT_SECONDS);
            int i = file.bind(claim, 1);
            claim.setString(i++, owner);
            claim.setString(i++, host);
            claim.setLong(i++, lease.toSeconds());
            // no takeover for one lease after the database (re)started: every host renews its own claims first
            claim.setLong(i++, lease.toSeconds());
            file.bind(claim, i);
            try (ResultSet result = claim.executeQuery()) {
                if (!result.next()) {
                    // claimed by another host since this statement's snapshot began: it is theirs
                    return new Held(Claim.ELSEWHERE, "another host", lease);
                }
                if (result.getBoolean(1)) {
                    leases.add(file);
                    return new Held(result.getBoolean(2) ? Claim.ARCHIVE : Claim.SEND, host, lease);
                }
                double seconds = Math.max(0, result.getDouble(4));
                return new Held(result.getBoolean(2) ? Claim.ARCHIVED : Claim.ELSEWHERE, result.getString(3),
                        Duration.ofMillis((long) (seconds * 1000)));
            }
        } catch (SQLException e) {
            throw failed("claim " + file, e);
        }
    }

    /**
     * Records the delivery of a file this process holds. {@code false}: the database could not take it now (the file
     * is kept in memory and recorded once it answers; meanwhile it must not be archived), or the claim was lost.
     */
    public boolean delivered(FileKey file) {
        try {
            if (update(ClaimStatements.DELIVERED, file) == 1) {
                return true;
            }
            leases.remove(file);
            LOG.error("{} was delivered, but its claim is no longer this host's (its lease ended while the upload"
                    + " ran): it stays in the source, and the host that holds it now may send it once more", file);
            return false;
        } catch (ClusterUnavailableException e) {
            deferred.delivery(file);
            LOG.warn("{} was delivered but cannot be recorded ({}): it stays in the source until the database"
                    + " answers, then it is recorded and archived without being sent again", file, e.getMessage());
            return false;
        }
    }

    /** The file was archived (or quarantined): no host may claim this version again. */
    public void archived(FileKey file) {
        leases.remove(file);
        quietly("mark as archived", file, ClaimStatements.ARCHIVE);
    }

    /** The file's version is gone or changed: drop the claim and any record of it. */
    public void forget(FileKey file) {
        leases.remove(file);
        deferred.forget(file);
        quietly("drop the claim of", file, ClaimStatements.DROP);
    }

    /**
     * This process stops working on the file (it waits for its target, was quarantined, or could not be archived):
     * any host may claim it at once. A delivery record stays.
     */
    public void release(FileKey file) {
        if (deferred.unrecorded(file)) {
            // delivered, not recorded: this host records it once the database answers
            return;
        }
        leases.remove(file);
        quietly("release the claim of", file, ClaimStatements.DROP_UNDELIVERED, ClaimStatements.LET_GO);
    }

    @PreDestroy
    synchronized void close() {
        if (renewals != null) {
            renewals.shutdownNow();
        }
        orphans.stop();
    }

    /**
     * Renews every third of the lease, and every tick while the database is down (or a statement failed).
     */
    private void tick() {
        if (down != null || leases.due()) {
            renew();
        }
    }

    /**
     * The files other hosts claimed and whose lease ended (most often a host that died), as found at the last look,
     * each as {@link #orphanKey}: the routes' polls hand them over first, so that they are taken over at the next
     * poll, not behind a backlog. The set is not changed once returned.
     */
    public Set<String> orphaned() {
        return orphans.found();
    }

    /** How {@link #orphaned()} names a route's file. */
    public static String orphanKey(String route, String path) {
        return route + '\0' + path;
    }

    /** Renews every claim of this process in one statement. */
    private void renew() {
        try {
            migrate();
            try (Connection connection = dataSource().getConnection()) {
                deferred.catchUp(connection);
                leases.renew(connection);
            }
            if (down != null && !reported.isEmpty()) {
                LOG.info("The database answers again ({}): claiming files", Reasons.url());
            }
            reported.clear();
            down = null;
        } catch (SQLException | RuntimeException e) {
            String reason = Reasons.unreachable(e);
            if (reported.putIfAbsent(reason, true) == null) {
                LOG.error("{}. This host claims no file until it answers again; an upload under way is abandoned"
                        + " before its claim could end", reason);
            }
            down = reason;
        }
    }

    private void migrate() {
        if (migrated) {
            return;
        }
        flyways.get().migrate();
        migrated = true;
    }

    private int update(String sql, FileKey file) throws ClusterUnavailableException {
        try (Connection connection = dataSource().getConnection();
                PreparedStatement update = connection.prepareStatement(sql)) {
            update.setQueryTimeout(STATEMENT_TIMEOUT_SECONDS);
            file.bind(update, 1);
            update.setString(4, owner);
            return update.executeUpdate();
        } catch (SQLException e) {
            throw failed(sql.substring(0, sql.indexOf(' ')).toLowerCase() + " " + file, e);
        }
    }

    private void quietly(String what, FileKey file, String... statements) {
        try {
            for (String sql : statements) {
                update(sql, file);
            }
        } catch (ClusterUnavailableException e) {
            // renewed with the others otherwise, for as long as this process runs
            deferred.statements(file, statements);
            LOG.warn("Cannot {} {} ({}): done once the database answers", what, file, e.getMessage());
        }
    }

    private ClusterUnavailableException failed(String what, SQLException e) {
        String reason = Reasons.unreachable(e);
        if (down == null) {
            // the renewal thread tries every second from now on, and lifts this once the database answers
            down = reason;
            reported.put(reason, true);
            LOG.error("Cannot {}: {}. This host claims no file until the database answers again", what, reason);
        }
        return new ClusterUnavailableException(reason);
    }

    DataSource dataSource() {
        DataSource known = dataSource;
        if (known != null) {
            return known;
        }
        known = dataSources.get();
        dataSource = known;
        return known;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "unknown-host" : env;
        }
    }
}
