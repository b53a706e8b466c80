package dev.ferry.route;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.ferry.cluster.Cluster;
import dev.ferry.ftps.Causes;
import dev.ferry.ftps.Names;
import dev.ferry.ftps.RemoteDir;
import dev.ferry.ftps.Target;
import dev.ferry.ftps.TargetBreaker;
import dev.ferry.ftps.TargetPausedException;
import dev.ferry.ftps.TargetPool;
import dev.ferry.ftps.TargetUnavailableException;
import dev.ferry.ftps.TransferReport;
import dev.ferry.outcome.FileOutcome;
import dev.ferry.outcome.FileOutcome.Outcome;
import dev.ferry.outcome.RouteReport;
import dev.ferry.upload.FerryFtpsEndpoint;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One route's file outcomes, in one place: skip what was already delivered, record and archive what was uploaded,
 * leave files waiting while the target is unavailable, and quarantine what failed every attempt (or has a name no
 * server may see, as {@link Pickup} finds). {@link Moves} does the moves.
 * <p>
 * A delivered file is recorded in {@link DeliveryRecord} with its exact {@link FileState} before it is archived, and
 * the entry is dropped once it is: a file whose upload finished just before a crash (or a full archive disk), but that
 * was not yet archived, is archived without being sent twice; any other file, a look-alike with the same name, size
 * and modification time included, is sent.
 * <p>
 * A file that changed after its upload (its version is no longer the one recorded) is not archived: the server has
 * the version that was sent, so the file stays in the source and is sent again as it is.
 * <p>
 * Every outcome (delivered, retried, quarantined, skipped) goes to the route's {@link RouteReport}: the audit trail,
 * the metrics and the summary line. The route calls its public methods by name (Camel's bean component): registered for
 * reflection, so that a native image keeps them.
 * <p>
 * It is the one place where each outcome of a file is decided, with the state those decisions share (the record, the
 * files awaiting the archive). Its cluster-mode steps live in {@link RouteClaims}, the move of a failed file with its
 * report in {@link FailedFiles}; what needs none of it lives apart: {@link Pickup}, {@link Moves}, {@link Failures},
 * {@link TemporaryName}, {@link FileState}, {@link LocalFile}.
 */
@RegisterForReflection(fields = false)
public class Delivery {

    /** Set when the file is not sent now: delivered before (it is archived), or (with {@link #LEFT}) not this host's. */
    static final String NOT_SENT = "ferryNotSent";
    /** Cluster mode: another host holds the file, or it is gone; this host leaves it alone. */
    static final String LEFT = "ferryLeft";
    /** Cluster mode: delivered, but the database could not record it: not archived until it can. */
    static final String UNRECORDED = "ferryUnrecorded";
    /**
     * Retries made so far: Ferry's own count, since Camel's redelivery counter header is gone by the time the failure
     * processor (the quarantine) runs.
     */
    static final String RETRIES = "ferryRetries";
    static final String TEMP_NAME = "FerryTemporaryName";
    static final String RECORD_KEY = "ferryRecordKey";
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd");

    private final Target target;
    private final TargetBreaker breaker;
    private final DeliveryRecord delivered;
    private final Cluster cluster;
    private final RouteClaims claims;
    private final Path archiveDir;
    private final FailedFiles failed;
    private final RemoteDir remoteDir;
    private final Duration localFailureDelay;
    private final Pickup pickup;
    private final String routeId;
    private final RouteReport routeReport;
    private final PollWatch watch;
    /** Keys of files this process delivered and has not archived yet (the archive could not take them). */
    private final Set<String> awaitingArchive = ConcurrentHashMap.newKeySet();

    Delivery(String routeId, Target target, TargetBreaker breaker, TargetPool.Share routeConnections,
            DeliveryRecord delivered, Cluster cluster, RouteParameters route, RouteReport routeReport,
            Duration localFailureDelay, Duration pollStuckAfter) {
        this.routeId = routeId;
        this.routeReport = routeReport;
        this.target = target;
        this.breaker = breaker;
        this.delivered = delivered;
        this.cluster = cluster;
        this.archiveDir = route.archive();
        this.failed = new FailedFiles(target, route.remoteDir(), route.failed(), breaker, routeConnections, routeReport,
                this::hold);
        this.remoteDir = route.remoteDir();
        this.watch = new PollWatch(pollStuckAfter);
        this.pickup = new Pickup(route,
                (file, relative, reason) -> failed.move(file, relative, routeId, 0, null, reason, 0),
                (file, reason) -> routeReport.skipped(FileOutcome.of(Outcome.SKIPPED, routeId, target.name(),
                        file.toString()).size(sizeOrNull(file)).reason(reason).build()),
                watch::progress);
        this.claims = new RouteClaims(cluster, pickup);
        this.localFailureDelay = localFailureDelay;
    }

    /** Whether the route's poll is stuck, for the readiness check. */
    public PollWatch pollWatch() {
        return watch;
    }

    /** Which files Camel hands over (the template's {@code pickup} bean). */
    Pickup pickup() {
        return pickup;
    }

    public Target target() {
        return target;
    }

    public void beforeUpload(Exchange exchange) throws IOException {
        watch.progress();
        breaker.checkOpen();
        Path source = source(exchange);
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        exchange.getIn().setHeader(TEMP_NAME, TemporaryName.of(name, exchange.getFromRouteId()));
        // each attempt reads the file afresh and fails if it changes meanwhile (LocalFile), or, in cluster mode, if
        // this host's claims may have ended
        exchange.getIn()
                .setBody(new LocalFile(source, relativePath(exchange), watch::progress,
                        opening -> claims.holding(exchange, opening)));
        if (cluster.enabled()) {
            RouteClaims.Claimed claimed = claims.claim(exchange, source);
            if (claimed != null && claimed.delivered()) {
                exchange.setProperty(NOT_SENT, true);
                exchange.setProperty(RECORD_KEY, key(exchange, claimed.state()));
                LOG.info("{} was delivered to {}:{} before; archiving it without sending it again", shown(exchange),
                        target.address(), remoteDir);
                routeReport.skipped(outcome(exchange, Outcome.SKIPPED, 0, claimed.state().size(), null, null,
                        "delivered before; archived without sending it again"));
            }
            return;
        }
        String key = key(exchange, FileState.of(source));
        if (delivered.contains(key)) {
            exchange.setProperty(NOT_SENT, true);
            exchange.setProperty(RECORD_KEY, key);
            if (awaitingArchive.contains(key)) {
                // delivered (and audited) by this run; the archive could not take it then
                LOG.info("{} was delivered to {}:{} earlier; moving it to the archive again, without sending it",
                        shown(exchange), target.address(), remoteDir);
            } else {
                // delivered by an earlier run (its audit line is there): this run only archives it
                LOG.info("{} was delivered to {}:{} before; archiving it without sending it again", shown(exchange),
                        target.address(), remoteDir);
                routeReport.skipped(outcome(exchange, Outcome.SKIPPED, 0, sizeOrNull(source), null, null,
                        "delivered before Ferry stopped; archived without sending it again"));
            }
        }
    }

    public void uploaded(Exchange exchange) {
        breaker.succeeded();
        TransferReport transfer = exchange.getProperty(FerryFtpsEndpoint.TRANSFER, TransferReport.class);
        FileState sent = exchange.getIn().getBody(LocalFile.class).sent();
        String key = key(exchange, sent);
        exchange.setProperty(RECORD_KEY, key);
        if (cluster.enabled()) {
            // the version read is the one claimed: an upload refuses to open another (RouteClaims.holding)
            if (!claims.delivered(exchange)) {
                exchange.setProperty(UNRECORDED, true);
            }
        } else {
            awaitingArchive.add(key);
        }
        if (!cluster.enabled() && !delivered.add(key)) {
            LOG.error(
                    "{} was delivered to {}:{} but cannot be recorded as delivered (see above); it is not sent again "
                            + "while Ferry runs",
                    shown(exchange), target.address(), remoteDir);
        }
        LOG.info("Uploaded {} ({} bytes) to {}:{} in {} ms, {}", shown(exchange), String.format("%,d", sent.size()),
                target.host(), remoteDir, transfer == null ? "?" : transfer.millis(),
                transfer == null ? "" : transfer.resumption() + " (" + transfer.tlsProtocol() + ")");
        routeReport.delivered(
                outcome(exchange, Outcome.DELIVERED, attempts(exchange), sent.size(),
                        exchange.getIn().getBody(LocalFile.class).sha256(),
                        transfer, null),
                transfer == null ? -1 : transfer.millis());
    }

    /** An attempt failed; Camel tries again after the retry delay. */
    public void retrying(Exchange exchange) {
        Exception error = Failures.of(exchange);
        // the attempt that failed, before it is counted as retried
        routeReport.retried(
                outcome(exchange, Outcome.RETRIED, attempts(exchange), sizeOrNull(source(exchange)), null, null,
                        Failures.describe(error)));
        exchange.setProperty(RETRIES, 1 + exchange.getProperty(RETRIES, 0, Integer.class));
    }

    /**
     * Moves a delivered file to the archive. If the archive cannot take it (full or read-only disk), the file stays
     * in its source, recorded as delivered: it is archived, not sent again, once the archive can take it.
     */
    public void archive(Exchange exchange) {
        if (exchange.getProperty(LEFT) != null || exchange.getProperty(UNRECORDED) != null) {
            // another host's file, or one this host delivered but the database could not record yet
            return;
        }
        Path source = source(exchange);
        String key = exchange.getProperty(RECORD_KEY, String.class);
        if (!claims.holds(exchange)) {
            claims.notMoved(exchange, source, "archived");
            return;
        }
        if (key != null && changedSince(exchange, source, key)) {
            // the server has the version that was sent; this one is newer: archiving it would lose what changed
            LOG.warn("{} changed after it was delivered to {}:{} (its bytes differ from those sent); it stays in the"
                    + " source and is sent again as it is", shown(exchange), target.address(), remoteDir);
            if (claims.claimed(exchange)) {
                claims.forget(exchange);
            } else {
                delivered.remove(key);
                awaitingArchive.remove(key);
            }
            return;
        }
        if (!claims.holds(exchange)) {
            // once more, right before the move: the check above may have read the whole file
            claims.notMoved(exchange, source, "archived");
            return;
        }
        try {
            Path archived = Moves.moveUnique(source,
                    archiveDir.resolve(LocalDate.now().format(DAY)).resolve(relativePath(exchange)), null);
            LOG.debug("Archived {} as {}", shown(exchange), Names.printable(archived.toString()));
        } catch (IOException | RuntimeException e) {
            hold(source,
                    "was delivered but cannot be moved to the archive " + archiveDir + " ("
                            + Names.printable(e.toString()) + "); it stays in the source and is "
                            + "archived, not sent again, once the archive directory can take it");
            // cluster mode: its delivery stays recorded, and whichever host can archive it does
            claims.release(exchange);
            return;
        }
        if (claims.claimed(exchange)) {
            claims.archived(exchange);
        } else if (key != null) {
            delivered.remove(key);
            awaitingArchive.remove(key);
        }
    }

    /** The database cannot be used: the file waits in its source, with no attempt spent, until it can. */
    public void clusterUnavailable(Exchange exchange) {
        LOG.debug("{} waits in {} until the database answers: {}", shown(exchange), source(exchange).getParent(),
                Failures.describe(Failures.of(exchange)));
        exchange.setProperty(LEFT, true);
        // should the database answer, any host (this one too) may claim it at once; else its lease ends by itself
        claims.release(exchange);
    }

    /**
     * Whether the file in the source no longer holds what was delivered: another version than the one recorded, and
     * (when this exchange uploaded it) other bytes; a change of metadata alone (chmod, chown, a hard link, which set
     * the status-change time) is not a change. A vanished file is not either: its archive move then fails and says so.
     */
    private boolean changedSince(Exchange exchange, Path source, String key) {
        try {
            if (key.equals(key(exchange, FileState.of(source)))) {
                return false;
            }
            LocalFile sent = exchange.getIn().getBody(LocalFile.class);
            return sent == null || !sent.holdsWhatWasSent();
        } catch (IOException e) {
            return false;
        }
    }

    /** The target could not be used at all: pause it, and leave the file for a later poll. */
    public void targetUnavailable(Exchange exchange) {
        Causes.find(Failures.of(exchange), TargetUnavailableException.class).ifPresent(breaker::failed);
        if (Causes.find(Failures.of(exchange), TargetPausedException.class).isEmpty()) {
            // a file handed over while the target is paused was not tried: no failure of the target to count
            routeReport.targetFailed();
        }
        LOG.debug("{} waits in {} until target {} is available", shown(exchange), source(exchange).getParent(),
                target.name());
        claims.release(exchange);
    }

    /** Every attempt failed: move the file to the failed directory with a {@code .error} report beside it. */
    public void quarantine(Exchange exchange) throws IOException {
        Exception error = Failures.of(exchange);
        if (exchange.getContext().isStopping()) {
            // redelivery was cut short by shutdown: the file is not at fault, so it waits for the next start
            LOG.info("{} stays in {} for the next start (stopping while retrying: {})", shown(exchange),
                    source(exchange).getParent(),
                    Failures.describe(error));
            routeReport.stoppedWhileRetrying(outcome(exchange, Outcome.SKIPPED, attempts(exchange),
                    sizeOrNull(source(exchange)),
                    null,
                    null,
                    "Ferry stopped while retrying; the file stays in the source for the next start (last error: "
                            + Failures.describe(error) + ")"));
            claims.release(exchange);
            return;
        }
        int attempts = attempts(exchange);
        failed.deletePartialUploads(relativePath(exchange));
        if (!claims.holds(exchange)) {
            // checked after the partial uploads are deleted (a network round trip), right before the move
            LOG.warn("{} is not quarantined by this host: {} is no longer surely its own (last error: {})",
                    shown(exchange), exchange.getProperty(RouteClaims.CLAIM), Failures.describe(error));
            claims.release(exchange);
            return;
        }
        boolean moved = failed.move(source(exchange), relativePath(exchange), exchange.getFromRouteId(), attempts,
                Failures.reply(error), Failures.describe(error), exchange.getClock().elapsed());
        if (moved && claims.claimed(exchange)) {
            // settled like an archived file: no host's older listing may take this version up again
            claims.archived(exchange);
        } else {
            claims.release(exchange);
        }
    }

    /** Keeps a file the local disk could not take out of the polls for a while, with one error line per hold. */
    private void hold(Path source, String why) {
        pickup.hold(source, Instant.now().plus(localFailureDelay));
        LOG.error("{} {}", Names.printable(source.toString()), why);
    }

    /** An outcome of the exchange's file; {@code transfer} (the last upload's) and {@code reason} may be absent. */
    private FileOutcome outcome(Exchange exchange, Outcome outcome, int attempts, Long size, String sha256,
            TransferReport transfer, String reason) {
        Exception error = Failures.of(exchange);
        String reply = exchange.getProperty(FerryFtpsEndpoint.LAST_REPLY, String.class);
        if (error != null && Failures.reply(error) != null) {
            reply = Failures.reply(error);
        }
        FileOutcome.Builder built = FileOutcome.of(outcome, exchange.getFromRouteId(), target.name(),
                source(exchange).toString()).remotePath(remoteDir.file(relativePath(exchange))).size(size)
                .sha256(sha256).durationMs(exchange.getClock().elapsed()).attempts(attempts)
                .lastReply(reply == null ? null : Names.printable(reply)).reason(reason);
        if (transfer != null) {
            built.tls(transfer.tlsProtocol(), transfer.sessionResumed());
        }
        return built.build();
    }

    /** Upload attempts made for the exchange's file so far, the one under way included. */
    private static int attempts(Exchange exchange) {
        return 1 + exchange.getProperty(RETRIES, 0, Integer.class);
    }

    /** The size of the file itself (a link's own, not its target's), or {@code null} when it cannot be read. */
    static Long sizeOrNull(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
        } catch (IOException e) {
            return null;
        }
    }

    private String key(Exchange exchange, FileState state) {
        return DeliveryRecord.key(target.name(), remoteDir.toString(), relativePath(exchange), state);
    }

    /** The relative path as log lines show it. */
    static String shown(Exchange exchange) {
        return Names.printable(relativePath(exchange));
    }

    private static Path source(Exchange exchange) {
        return Path.of(exchange.getIn().getHeader(Exchange.FILE_PATH, String.class));
    }

    static String relativePath(Exchange exchange) {
        return exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
    }
}
