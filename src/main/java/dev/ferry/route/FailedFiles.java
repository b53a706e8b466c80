package dev.ferry.route;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.BiConsumer;

import dev.ferry.ftps.Connection;
import dev.ferry.ftps.Names;
import dev.ferry.ftps.PartialUploads;
import dev.ferry.ftps.RemoteDir;
import dev.ferry.ftps.Target;
import dev.ferry.ftps.TargetBreaker;
import dev.ferry.ftps.TargetPausedException;
import dev.ferry.ftps.TargetPool;
import dev.ferry.ftps.TargetUnavailableException;
import dev.ferry.outcome.FileOutcome;
import dev.ferry.outcome.FileOutcome.Outcome;
import dev.ferry.outcome.RouteReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route's files that failed every attempt, or whose name no server may see ({@link Pickup}): each is moved to the
 * failed directory with a {@code .error} report beside it, and what its attempts left on the server under its final
 * name is deleted first. {@link Delivery} decides when; a file the local disk cannot take is held ({@code hold}) and
 * tried again later.
 */
final class FailedFiles {

    // Delivery's category: operators filter one route's outcomes by it
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    private final Target target;
    private final RemoteDir remoteDir;
    private final Path failedDir;
    private final TargetBreaker breaker;
    private final TargetPool.Share routeConnections;
    private final RouteReport routeReport;
    private final BiConsumer<Path, String> hold;

    FailedFiles(Target target, RemoteDir remoteDir, Path failedDir, TargetBreaker breaker,
            TargetPool.Share routeConnections, RouteReport routeReport, BiConsumer<Path, String> hold) {
        this.target = target;
        this.remoteDir = remoteDir;
        this.failedDir = failedDir;
        this.breaker = breaker;
        this.routeConnections = routeConnections;
        this.routeReport = routeReport;
        this.hold = hold;
    }

    /**
     * Direct upload mode: what the file's failed attempts left under its final name (a partial object, a file of the
     * wrong size) and could not be deleted then is deleted now, on one of the route's connections, so nothing is
     * left under the name of a file Ferry gives up on. Should the target not be reachable, the name stays until the
     * file is sent again.
     */
    void deletePartialUploads(String relativePath) {
        PartialUploads partials = target.partialUploads();
        String remote = remoteDir.file(relativePath);
        if (partials.isEmpty() || remote.startsWith("/") && !partials.holds(remote)) {
            // nothing left, or (an absolute name needs no connection to tell) nothing of this file's
            return;
        }
        try {
            Connection connection = routeConnections.acquire();
            try {
                if (partials.deleteOn(connection.client(), remote)) {
                    breaker.succeeded();
                }
            } finally {
                routeConnections.release(connection);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TargetPausedException e) {
            LOG.warn("{} may have left a partial upload under its name on {}; the target is paused, so it stays until"
                    + " the file is sent again", Names.printable(relativePath), target.address());
        } catch (TargetUnavailableException e) {
            breaker.failed(e);
            LOG.warn(
                    "Cannot delete what the failed uploads of {} left on {} ({}); it stays until the file is sent again",
                    Names.printable(relativePath), target.address(), Names.printable(e.getMessage()));
        } catch (IOException | RuntimeException e) {
            routeConnections.uploadFailed();
            LOG.warn(
                    "Cannot delete what the failed uploads of {} left on {} ({}); it stays until the file is sent again",
                    Names.printable(relativePath), target.address(), Names.printable(e.toString()));
        }
    }

    /**
     * Moves the file to the failed directory, its report beside it; a file the disk cannot take is held instead.
     * Whether it was moved.
     */
    boolean move(Path source, String relativePath, String route, int attempts, String reply, String error,
            long elapsedMs) {
        String report = "time: " + Instant.now() + "\n"
                + "file: " + Names.printable(source.toString()) + "\n"
                + "route: " + route + "\n"
                + "target: " + target.name() + " (" + target.address() + "), remote directory " + remoteDir + "\n"
                + "attempts: " + attempts + "\n"
                + (reply == null ? "" : "server reply: " + Names.printable(reply) + "\n")
                + "error: " + Names.printable(error) + "\n";
        String shown = Names.printable(relativePath);
        try {
            // the report first: a file in the failed directory always has its reason beside it
            Path moved = Moves.moveUnique(source, failedDir.resolve(relativePath),
                    target -> Files.writeString(Moves.errorFile(target), report + "quarantined as: "
                            + Names.printable(target.getFileName().toString()) + "\n", StandardCharsets.UTF_8));
            LOG.error("Gave up on {} after {} attempts, moved to {}: {}", shown, attempts,
                    Names.printable(moved.toString()),
                    Names.printable(error));
            routeReport.quarantined(FileOutcome.of(Outcome.QUARANTINED, route, target.name(), source.toString())
                    .remotePath(remoteDir.file(relativePath)).size(Delivery.sizeOrNull(moved)).durationMs(elapsedMs)
                    .attempts(attempts).lastReply(reply).reason(error + "; moved to " + moved).build());
            return true;
        } catch (IOException | RuntimeException e) {
            hold.accept(source,
                    "failed " + attempts + " attempts (" + Names.printable(error)
                            + ") but cannot be moved to the failed directory "
                            + failedDir + " (" + Names.printable(e.toString())
                            + "); it stays in the source and is tried again later");
            return false;
        }
    }
}
