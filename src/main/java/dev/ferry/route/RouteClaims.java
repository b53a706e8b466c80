package dev.ferry.route;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import dev.ferry.cluster.Cluster;
import dev.ferry.cluster.ClusterUnavailableException;
import dev.ferry.cluster.FileKey;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode, one route's side of the claims ({@link Cluster}): a file is claimed before its upload or left to the
 * host that holds it, the claim is checked as the upload reads the file and again right before the file is moved, and
 * let go when this host stops working on the file. The exchange carries its file's claim ({@link #CLAIM}); without
 * cluster mode there is none, and every check passes. {@link Delivery} decides the outcomes; this class keeps their
 * cluster steps in one place.
 */
final class RouteClaims {

    /** Cluster mode: the file's claim ({@link FileKey}). */
    static final String CLAIM = "ferryClaim";
    // Delivery's category: operators filter one route's outcomes by it
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
    /** A file another host holds is looked at again after this long at the soonest. */
    private static final Duration LOOK_AGAIN = Duration.ofMillis(250);
    /** A file that this host still lists but another archived is looked at again after this long. */
    private static final Duration GONE_LOOK_AGAIN = Duration.ofSeconds(5);

    private final Cluster cluster;
    private final Pickup pickup;

    /** This host holds the file's claim: its version, and whether it was delivered before (archive it only). */
    record Claimed(FileState state, boolean delivered) {
    }

    RouteClaims(Cluster cluster, Pickup pickup) {
        this.cluster = cluster;
        this.pickup = pickup;
    }

    /**
     * Claims the file for this host, or leaves it ({@link Delivery#LEFT}) to the host that holds it (until that claim
     * could end) or to none, when another host archived it since this host listed it: {@code null} then.
     */
    Claimed claim(Exchange exchange, Path source) throws IOException {
        pickup.handedOver(source);
        FileState state;
        try {
            state = FileState.of(source);
        } catch (NoSuchFileException e) {
            leave(exchange, source, GONE_LOOK_AGAIN);
            return null;
        }
        FileKey file = new FileKey(exchange.getFromRouteId(), Delivery.relativePath(exchange), state.identity());
        Cluster.Held held = cluster.claim(file);
        if (held.claim() == Cluster.Claim.ARCHIVED) {
            // archived by a host since this host listed it: what this host sees is an old listing, or its cache,
            // which on EFS may show the file for a while yet
            LOG.debug("{} was archived by {}", Delivery.shown(exchange), held.host());
            leave(exchange, source, GONE_LOOK_AGAIN);
            return null;
        }
        if (held.claim() == Cluster.Claim.ELSEWHERE) {
            // looked at again once that claim could have ended, or sooner should the host finish it
            LOG.debug("{} is claimed by {}", Delivery.shown(exchange), held.host());
            leave(exchange, source, held.remaining().compareTo(LOOK_AGAIN) < 0 ? LOOK_AGAIN : held.remaining());
            return null;
        }
        exchange.setProperty(CLAIM, file);
        if (!unchanged(source, state)) {
            // archived (or replaced) by another host between this host's listing and its claim
            cluster.forget(file);
            leave(exchange, source, GONE_LOOK_AGAIN);
            return null;
        }
        return new Claimed(state, held.claim() == Cluster.Claim.ARCHIVE);
    }

    /**
     * As an upload opens the file ({@code opening}: its version then), before each block and after the last
     * ({@code opening} null): this host must still hold its claim, its lease surely running, and open the version it
     * claimed.
     */
    void holding(Exchange exchange, FileState opening) throws ClusterUnavailableException {
        FileKey claim = exchange.getProperty(CLAIM, FileKey.class);
        if (claim != null && opening != null && !claim.version().equals(opening.identity())) {
            // changed since its claim (a retry, a rewrite): another host may claim the new version; this one is left
            throw new ClusterUnavailableException(claim + " changed since this host claimed it; it is left for the next"
                    + " poll, which claims it as it is now");
        }
        if (!holds(exchange)) {
            throw new ClusterUnavailableException(claim + " is no longer surely this host's (its claim could not be"
                    + " renewed in time: " + cluster.down().orElse("the database answered too slowly, or another host"
                            + " took it over meanwhile")
                    + "); this host leaves it before another may take it over");
        }
    }

    /** Whether the exchange's file has a claim: in cluster mode, once this host claimed it. */
    boolean claimed(Exchange exchange) {
        return exchange.getProperty(CLAIM) != null;
    }

    /** Whether this host may still move the file: it holds no claim, or surely still holds its claim. */
    boolean holds(Exchange exchange) {
        FileKey claim = exchange.getProperty(CLAIM, FileKey.class);
        return claim == null || cluster.holds(claim);
    }

    /**
     * Records the delivery. {@code false}: the database could not take it now (it is recorded once it answers), or the
     * claim was lost; the file must not be archived.
     */
    boolean delivered(Exchange exchange) {
        return cluster.delivered(exchange.getProperty(CLAIM, FileKey.class));
    }

    /** The file was archived or quarantined: no host may claim this version again. */
    void archived(Exchange exchange) {
        cluster.archived(exchange.getProperty(CLAIM, FileKey.class));
    }

    /** The file changed after its delivery: the claim and its record go, and the file is sent again as it is. */
    void forget(Exchange exchange) {
        cluster.forget(exchange.getProperty(CLAIM, FileKey.class));
    }

    /** This host stops working on the file; any host may claim it at once. A delivery record stays. */
    void release(Exchange exchange) {
        FileKey claim = exchange.getProperty(CLAIM, FileKey.class);
        if (claim != null) {
            cluster.release(claim);
        }
    }

    /**
     * The claim is no longer surely this host's, so the file is not moved ({@code how}); its delivery record stays,
     * and whichever host claims it next archives it. A short hold keeps the polls from taking it up at once.
     */
    void notMoved(Exchange exchange, Path source, String how) {
        LOG.warn("{} is not {} by this host: {} is no longer surely its own", Delivery.shown(exchange), how,
                exchange.getProperty(CLAIM));
        pickup.hold(source, Instant.now().plus(GONE_LOOK_AGAIN));
    }

    /** Not this host's to send now: the polls look at it again after {@code lookAgain}. */
    private void leave(Exchange exchange, Path source, Duration lookAgain) {
        pickup.hold(source, Instant.now().plus(lookAgain));
        exchange.setProperty(Delivery.NOT_SENT, true);
        exchange.setProperty(Delivery.LEFT, true);
    }

    /**
     * Whether the file is still there, the version listed (one look at its attributes). A file that cannot be looked at
     * is taken as gone: left, and looked at again by a later poll.
     */
    private static boolean unchanged(Path source, FileState listed) {
        try {
            return FileState.of(source).equals(listed);
        } catch (IOException e) {
            return false;
        }
    }
}
