package dev.ferry.route;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.ferry.ftps.FtpsClient;
import dev.ferry.ftps.Target;
import dev.ferry.ftps.TargetUnavailableException;
import dev.ferry.ftps.TransferReport;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFileOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One route's file outcomes, in one place: skip what was already delivered, record and archive what was uploaded,
 * leave files waiting while the target is unavailable, and quarantine what failed every attempt.
 * <p>
 * A delivered file is identified by its path relative to the source, its size and its modification time (ms), and
 * recorded in {@link DeliveryRecord} before it is archived: a file dropped again under the same name with other
 * content is sent again; a file whose upload finished just before a crash, but that was not yet archived, is archived
 * without being sent twice.
 */
public class Delivery {

    static final String ALREADY_DELIVERED = "ferryAlreadyDelivered";
    static final String PROPERTY = "ferryDelivery";
    static final String RETRIES = "ferryRetries";
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd");

    private final Target target;
    private final TargetGate gate;
    private final FtpsClient client;
    private final DeliveryRecord delivered;
    private final Path archiveDir;
    private final Path failedDir;
    private final String remoteDir;

    Delivery(Target target, TargetGate gate, FtpsClient client, DeliveryRecord delivered, Path archiveDir, Path failedDir,
            String remoteDir) {
        this.target = target;
        this.gate = gate;
        this.client = client;
        this.delivered = delivered;
        this.archiveDir = archiveDir;
        this.failedDir = failedDir;
        this.remoteDir = remoteDir;
    }

    /** The delivery of the route the exchange came from, for the route configuration's error handlers. */
    static Delivery of(Exchange exchange) {
        String name = exchange.getProperty(PROPERTY, String.class);
        Delivery delivery = name == null ? null : exchange.getContext().getRegistry().lookupByNameAndType(name, Delivery.class);
        if (delivery == null) {
            throw new IllegalStateException("Route " + exchange.getFromRouteId() + " is not an " + FtpsUploadTemplate.TEMPLATE_ID + " route");
        }
        return delivery;
    }

    public FtpsClient client() {
        return client;
    }

    public TargetGate gate() {
        return gate;
    }

    public void beforeUpload(Exchange exchange) throws TargetUnavailableException {
        gate.checkOpen();
        if (delivered.contains(key(exchange))) {
            exchange.setProperty(ALREADY_DELIVERED, true);
            LOG.info("{} was delivered to {}:{} before; archiving it without sending it again", relativePath(exchange),
                    target.address(), remoteDir);
        }
    }

    public void uploaded(Exchange exchange) throws IOException {
        gate.succeeded();
        delivered.add(key(exchange));
        TransferReport report = client.lastTransfer();
        LOG.info("Uploaded {} ({} bytes) to {}:{} in {} ms, {}", relativePath(exchange), String.format("%,d", size(exchange)),
                target.host(), remoteDir, report == null ? "?" : report.millis(),
                report == null ? "" : report.resumption() + " (" + report.tlsProtocol() + ")");
    }

    public void archive(Exchange exchange) throws IOException {
        Path source = source(exchange);
        Path archived = moveUnique(source, archiveDir.resolve(LocalDate.now().format(DAY)).resolve(relativePath(exchange)));
        LOG.debug("Archived {} as {}", source, archived);
    }

    /** The target could not be used at all: pause it, and leave the file for a later poll. */
    public void targetUnavailable(Exchange exchange) {
        TargetUnavailableException cause = findCause(failure(exchange));
        if (cause != null) {
            gate.failed(cause);
        }
        LOG.debug("{} waits in {} until target {} is available", relativePath(exchange), source(exchange).getParent(), target.name());
    }

    /** Every attempt failed: move the file to the failed directory with a {@code .error} report beside it. */
    public void quarantine(Exchange exchange) throws IOException {
        Exception error = failure(exchange);
        if (exchange.getContext().isStopping()) {
            // redelivery was cut short by shutdown: the file is not at fault, so it waits for the next start
            LOG.info("{} stays in {} for the next start (stopping while retrying: {})", relativePath(exchange), source(exchange).getParent(),
                    describe(error));
            return;
        }
        int attempts = 1 + exchange.getProperty(RETRIES, 0, Integer.class);
        Path source = source(exchange);
        Path moved = moveUnique(source, failedDir.resolve(relativePath(exchange)));
        String reply = reply(error);
        String report = "time: " + Instant.now() + "\n"
                + "file: " + source + "\n"
                + "route: " + exchange.getFromRouteId() + "\n"
                + "target: " + target.name() + " (" + target.address() + "), remote directory " + remoteDir + "\n"
                + "attempts: " + attempts + "\n"
                + (reply == null ? "" : "server reply: " + reply + "\n")
                + "error: " + describe(error) + "\n";
        Files.writeString(moved.resolveSibling(moved.getFileName() + ".error"), report, StandardCharsets.UTF_8);
        LOG.error("Gave up on {} after {} attempts, moved to {}: {}", relativePath(exchange), attempts, moved, describe(error));
    }

    static boolean isTargetProblem(Exchange exchange) {
        return findCause(failure(exchange)) != null;
    }

    /** While the error handler chooses a policy the failure is still the exchange's exception; after, a property. */
    private static Exception failure(Exchange exchange) {
        Exception current = exchange.getException();
        return current != null ? current : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }

    private static TargetUnavailableException findCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TargetUnavailableException e) {
                return e;
            }
        }
        return null;
    }

    /** The server's last reply code and text, when the failure carries them. */
    static String reply(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof GenericFileOperationFailedException e && e.getCode() > 0) {
                String reason = e.getReason() == null ? "" : e.getReason().trim();
                return reason.startsWith(String.valueOf(e.getCode())) ? reason : (e.getCode() + " " + reason).trim();
            }
        }
        return null;
    }

    /** The messages of the failure's chain, outermost first, leaving out wrappers that only repeat their cause. */
    static String describe(Throwable error) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            parts.add(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().trim());
        }
        Set<String> kept = new LinkedHashSet<>();
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            boolean repeatsCause = parts.subList(i + 1, parts.size()).stream().anyMatch(inner -> !inner.isEmpty() && part.contains(inner));
            if (!repeatsCause) {
                kept.add(part);
            }
        }
        return String.join(" <- ", kept);
    }

    private String key(Exchange exchange) {
        return target.name() + "|" + remoteDir + "|" + relativePath(exchange) + "|" + size(exchange) + "|"
                + exchange.getIn().getHeader(Exchange.FILE_LAST_MODIFIED, 0L, Long.class);
    }

    private static Path source(Exchange exchange) {
        return Path.of(exchange.getIn().getHeader(Exchange.FILE_PATH, String.class));
    }

    private static String relativePath(Exchange exchange) {
        return exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
    }

    private static long size(Exchange exchange) {
        return exchange.getIn().getHeader(Exchange.FILE_LENGTH, 0L, Long.class);
    }

    /** Moves the file, adding {@code .1}, {@code .2} ... before its extension when the name is taken. */
    static Path moveUnique(Path source, Path wanted) throws IOException {
        Files.createDirectories(wanted.getParent());
        String name = wanted.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        List<Path> tried = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Path candidate = i == 0 ? wanted : wanted.resolveSibling(stem + "." + i + extension);
            tried.add(candidate);
            if (Files.exists(candidate) || Files.exists(candidate.resolveSibling(candidate.getFileName() + ".error"))) {
                continue;
            }
            try {
                return Files.move(source, candidate);
            } catch (FileAlreadyExistsException e) {
                // taken meanwhile: try the next suffix
            } catch (NoSuchFileException e) {
                if (!Files.exists(source)) {
                    throw new NoSuchFileException(source.toString(), null, "vanished before it could be moved to " + candidate);
                }
                throw e;
            }
        }
        throw new IOException("No free name for " + source + " in " + wanted.getParent() + " after " + tried.size() + " tries");
    }
}
