package dev.ferry.route;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.ferry.ftps.Causes;
import dev.ferry.ftps.FtpsClient;
import dev.ferry.ftps.Names;
import dev.ferry.ftps.Target;
import dev.ferry.ftps.TargetConnections;
import dev.ferry.ftps.TargetUnavailableException;
import dev.ferry.ftps.TransferReport;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.apache.camel.component.file.GenericFileOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One route's file outcomes, in one place: pick up regular files only, quarantine names no server may see, skip what
 * was already delivered, record and archive what was uploaded, leave files waiting while the target is unavailable,
 * and quarantine what failed every attempt.
 * <p>
 * A delivered file is recorded in {@link DeliveryRecord} with its exact {@link FileState} before it is archived, and
 * the entry is dropped once it is: a file whose upload finished just before a crash (or a full archive disk), but that
 * was not yet archived, is archived without being sent twice; any other file, a look-alike with the same name, size
 * and modification time included, is sent.
 * <p>
 * Over 300 lines: pickup filter, file lifecycle, holds and reports still share one class per route; splitting the
 * pickup filter and the moves out is the next architecture step.
 */
public class Delivery implements GenericFileFilter<File> {

    static final String ALREADY_DELIVERED = "ferryAlreadyDelivered";
    static final String RETRIES = "ferryRetries";
    static final String TEMP_NAME = "FerryTemporaryName";
    static final String RECORD_KEY = "ferryRecordKey";
    private static final int MAX_NAME_BYTES = 255;
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd");

    private final Target target;
    private final TargetConnections connections;
    private final FtpsClient client;
    private final DeliveryRecord delivered;
    private final Path archiveDir;
    private final Path failedDir;
    private final String remoteDir;
    private final Duration localFailureDelay;
    private final Pattern include;
    private final long stableForMillis;
    private final Map<Path, Instant> held = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile String routeId = "?";

    Delivery(Target target, TargetConnections connections, FtpsClient client, DeliveryRecord delivered, RouteParameters route,
            Duration localFailureDelay) {
        this.target = target;
        this.connections = connections;
        this.client = client;
        this.delivered = delivered;
        this.archiveDir = route.archive();
        this.failedDir = route.failed();
        this.remoteDir = route.remoteDir().toString();
        this.include = route.include();
        this.stableForMillis = route.stableFor().toMillis();
        this.localFailureDelay = localFailureDelay;
    }

    public FtpsClient client() {
        return client;
    }

    public Target target() {
        return target;
    }

    /** The route this delivery belongs to, once it exists: for reports written before any exchange. */
    void routeId(String id) {
        this.routeId = id;
    }

    public void beforeUpload(Exchange exchange) throws IOException {
        connections.checkOpen();
        Path source = source(exchange);
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        exchange.getIn().setHeader(TEMP_NAME, temporaryName(name, exchange.getFromRouteId()));
        // each attempt reads the file afresh and fails if it changes meanwhile (LocalFile)
        exchange.getIn().setBody(new LocalFile(source, relativePath(exchange)));
        String key = key(exchange, FileState.of(source));
        if (delivered.contains(key)) {
            exchange.setProperty(ALREADY_DELIVERED, true);
            exchange.setProperty(RECORD_KEY, key);
            LOG.info("{} was delivered to {}:{} before; archiving it without sending it again", shown(exchange), target.address(), remoteDir);
        }
    }

    public void uploaded(Exchange exchange) {
        connections.succeeded();
        TransferReport report = client.lastTransfer();
        FileState sent = exchange.getIn().getBody(LocalFile.class).sent();
        String key = key(exchange, sent);
        exchange.setProperty(RECORD_KEY, key);
        if (!delivered.add(key)) {
            LOG.error("{} was delivered to {}:{} but cannot be recorded as delivered (see above); it is not sent again while Ferry runs",
                    shown(exchange), target.address(), remoteDir);
        }
        LOG.info("Uploaded {} ({} bytes) to {}:{} in {} ms, {}", shown(exchange), String.format("%,d", sent.size()),
                target.host(), remoteDir, report == null ? "?" : report.millis(),
                report == null ? "" : report.resumption() + " (" + report.tlsProtocol() + ")");
    }

    /**
     * Moves a delivered file to the archive. If the archive cannot take it (full or read-only disk), the file stays
     * in its source, recorded as delivered: it is archived, not sent again, once the archive can take it.
     */
    public void archive(Exchange exchange) {
        Path source = source(exchange);
        try {
            Path archived = moveUnique(source, archiveDir.resolve(LocalDate.now().format(DAY)).resolve(relativePath(exchange)), null);
            LOG.debug("Archived {} as {}", shown(exchange), Names.printable(archived.toString()));
        } catch (IOException | RuntimeException e) {
            hold(source, "was delivered but cannot be moved to the archive " + archiveDir + " (" + e + "); it stays in the source and is "
                    + "archived, not sent again, once the archive directory can take it");
            return;
        }
        String key = exchange.getProperty(RECORD_KEY, String.class);
        if (key != null) {
            delivered.remove(key);
        }
    }

    /** The target could not be used at all: pause it, and leave the file for a later poll. */
    public void targetUnavailable(Exchange exchange) {
        Causes.find(failure(exchange), TargetUnavailableException.class).ifPresent(connections::failed);
        LOG.debug("{} waits in {} until target {} is available", shown(exchange), source(exchange).getParent(), target.name());
    }

    /** Every attempt failed: move the file to the failed directory with a {@code .error} report beside it. */
    public void quarantine(Exchange exchange) throws IOException {
        Exception error = failure(exchange);
        if (exchange.getContext().isStopping()) {
            // redelivery was cut short by shutdown: the file is not at fault, so it waits for the next start
            LOG.info("{} stays in {} for the next start (stopping while retrying: {})", shown(exchange), source(exchange).getParent(),
                    describe(error));
            return;
        }
        int attempts = 1 + exchange.getProperty(RETRIES, 0, Integer.class);
        quarantine(source(exchange), relativePath(exchange), exchange.getFromRouteId(), attempts, reply(error), describe(error));
    }

    /** Moves the file to the failed directory, its report beside it; a file the disk cannot take is held instead. */
    private void quarantine(Path source, String relativePath, String route, int attempts, String reply, String error) {
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
            Path moved = moveUnique(source, failedDir.resolve(relativePath),
                    target -> Files.writeString(errorFile(target), report, StandardCharsets.UTF_8));
            LOG.error("Gave up on {} after {} attempts, moved to {}: {}", shown, attempts, Names.printable(moved.toString()),
                    Names.printable(error));
        } catch (IOException | RuntimeException e) {
            hold(source, "failed " + attempts + " attempts (" + Names.printable(error) + ") but cannot be moved to the failed directory "
                    + failedDir + " (" + e + "); it stays in the source and is tried again later");
        }
    }

    /** Keeps a file the local disk could not take out of the polls for a while, with one error line per hold. */
    private void hold(Path source, String why) {
        held.put(source, Instant.now().plus(localFailureDelay));
        LOG.error("{} {}", Names.printable(source.toString()), why);
    }

    /**
     * Picks up regular, readable files not on hold whose names match {@code include}. Symbolic links, special files
     * (FIFOs, sockets, devices: opening a FIFO would block the route) and files without read permission are left
     * alone with one warning each: Ferry ships regular files, and a mode-000 file is usually still being prepared.
     * A name no server may see (see {@link #unsendable}) is quarantined at once; a name this JVM cannot decode is
     * reported once, as it can be neither opened nor moved.
     */
    @Override
    public boolean accept(GenericFile<File> file) {
        File local = file.getFile();
        Path path;
        BasicFileAttributes attributes;
        try {
            path = local.toPath();
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (InvalidPathException | IOException e) {
            if (local.getName().indexOf('\uFFFD') >= 0 || e instanceof InvalidPathException) {
                undecodable(local);
            }
            // otherwise gone since the listing: nothing to pick up
            return false;
        }
        if (attributes.isSymbolicLink()) {
            // directories too: a linked directory would ship (and archive) files from outside the source, a loop forever
            warnOnce(path, "is a symbolic link: not picked up. Ferry ships regular files only; move or copy the file itself into the source");
            return false;
        }
        if (attributes.isDirectory()) {
            if (unsendable(local.getName()) != null) {
                warnOnce(path, "is a directory whose name no server may see: not descended into. " + unsendable(local.getName()));
                return false;
            }
            return true;
        }
        if (!attributes.isRegularFile()) {
            warnOnce(path, "is not a regular file (a FIFO, socket or device): not picked up. Ferry ships regular files only");
            return false;
        }
        if (include != null && !include.matcher(local.getName()).matches()) {
            return false;
        }
        if (attributes.lastModifiedTime().toMillis() > System.currentTimeMillis() - stableForMillis) {
            // still being written, or just moved in: a later poll takes it, and the poll does not wait on it meanwhile
            return false;
        }
        Instant until = held.get(path);
        if (until != null) {
            if (Instant.now().isBefore(until)) {
                return false;
            }
            held.remove(path);
        }
        // the name as it is on disk: Camel's relative path has a backslash turned into a separator already
        String unsendable = unsendable(local.getName());
        if (unsendable != null) {
            String relative = file.getRelativeFilePath();
            relative = relative.substring(0, relative.length() - local.getName().length()) + local.getName();
            // complete by now (see above): a move to another disk copies, and a writer still at work would lose the rest
            quarantine(path, relative, routeId, 0, null, Names.printable(relative) + ": " + unsendable);
            return false;
        }
        if (!readable(path)) {
            warnOnce(path, "cannot be read (no read permission): not picked up until its permissions allow it");
            return false;
        }
        return true;
    }

    private static boolean readable(Path path) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            boolean anyReadBit = permissions.contains(PosixFilePermission.OWNER_READ) || permissions.contains(PosixFilePermission.GROUP_READ)
                    || permissions.contains(PosixFilePermission.OTHERS_READ);
            // root reads anything; a file nobody may read is not meant to be shipped yet
            return anyReadBit && Files.isReadable(path);
        } catch (IOException | UnsupportedOperationException e) {
            return Files.isReadable(path);
        }
    }

    /**
     * Why no server may see this name, or {@code null}. A line break would end the FTP command it is sent in (command
     * injection); a backslash is a directory separator to Camel's FTP component in some of its steps and not in
     * others, so the temporary and final names would not match.
     */
    static String unsendable(String name) {
        if (Names.breaksCommandLine(name)) {
            return "the name holds a line break, which would end the FTP command it is sent in; Ferry does not send it."
                    + " Rename the file without line breaks and move it back into the source";
        }
        if (name.indexOf('\\') >= 0) {
            return "the name holds a backslash, which FTP servers and Camel treat as a directory separator; Ferry does not send it."
                    + " Rename the file without backslashes and move it back into the source";
        }
        return null;
    }

    private void undecodable(File file) {
        String name = Names.printable(file.getPath());
        if (firstTime(name)) {
            LOG.error("{} has a name that is not valid in this JVM's file-name encoding ({}): Ferry can neither open nor move it, so it"
                    + " stays where it is, undelivered. {}", name, System.getProperty("sun.jnu.encoding"), Encoding.advice());
        }
    }

    private void warnOnce(Path path, String why) {
        String name = Names.printable(path.toString());
        if (firstTime(name)) {
            LOG.warn("{} {}", name, why);
        }
    }

    /** Whether this name is reported for the first time (the memory is bounded: after 10,000 names it starts over). */
    private boolean firstTime(String name) {
        if (warned.size() > 10_000) {
            warned.clear();
        }
        return warned.add(name);
    }

    static boolean isTargetProblem(Exchange exchange) {
        return Causes.find(failure(exchange), TargetUnavailableException.class).isPresent();
    }

    /** While the error handler chooses a policy the failure is still the exchange's exception; after, a property. */
    private static Exception failure(Exchange exchange) {
        Exception current = exchange.getException();
        return current != null ? current : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }

    /** The server's last reply code and text, when the failure carries them. */
    static String reply(Throwable error) {
        for (Throwable t : Causes.chain(error)) {
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
        for (Throwable t : Causes.chain(error)) {
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

    /**
     * {@code .<name>.<route>.ferry-part} in the same remote directory: the same on every attempt, so a later attempt
     * replaces what a crash left, and never another route's, so two routes sending one name to one directory do not
     * write into each other's upload. The route id stands in the name when it is short and plain, else its CRC-32;
     * for names too long for that, {@code .ferry-<crc32 of the name>-<route>.part}.
     */
    static String temporaryName(String name, String routeId) {
        String route = routeId.matches("[A-Za-z0-9_-]{1,40}") ? routeId : DeliveryRecord.crc(routeId);
        String readable = "." + name + "." + route + ".ferry-part";
        if (readable.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES) {
            return readable;
        }
        return ".ferry-" + DeliveryRecord.crc(name) + "-" + DeliveryRecord.crc(routeId) + ".part";
    }

    private String key(Exchange exchange, FileState state) {
        return DeliveryRecord.key(target.name(), remoteDir, relativePath(exchange), state);
    }

    /** The relative path as log lines show it. */
    private static String shown(Exchange exchange) {
        return Names.printable(relativePath(exchange));
    }

    private static Path source(Exchange exchange) {
        return Path.of(exchange.getIn().getHeader(Exchange.FILE_PATH, String.class));
    }

    private static String relativePath(Exchange exchange) {
        return exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
    }

    /** Moves the file, adding {@code .1}, {@code .2} ... before its extension when the name is taken. */
    static Path moveUnique(Path source, Path wanted, BeforeMove beforeMove) throws IOException {
        Files.createDirectories(wanted.getParent());
        String name = wanted.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        List<Path> tried = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Path candidate = i == 0 ? wanted : wanted.resolveSibling(stem + "." + i + extension);
            tried.add(candidate);
            if (Files.exists(candidate) || Files.exists(errorFile(candidate))) {
                continue;
            }
            try {
                if (beforeMove != null) {
                    beforeMove.prepare(candidate);
                }
                return Files.move(source, candidate);
            } catch (FileAlreadyExistsException e) {
                // taken meanwhile: try the next suffix
                if (beforeMove != null) {
                    Files.deleteIfExists(errorFile(candidate));
                }
            } catch (NoSuchFileException e) {
                if (!Files.exists(source)) {
                    throw new NoSuchFileException(source.toString(), null, "vanished before it could be moved to " + candidate);
                }
                throw e;
            } catch (IOException e) {
                // a move to another file system copies: a copy cut short (disk full) must not stay behind as a file
                if (Files.exists(source)) {
                    Files.deleteIfExists(candidate);
                    Files.deleteIfExists(errorFile(candidate));
                }
                throw e;
            }
        }
        throw new IOException("No free name for " + source + " in " + wanted.getParent() + " after " + tried.size() + " tries");
    }

    private static Path errorFile(Path quarantined) {
        return quarantined.resolveSibling(quarantined.getFileName() + ".error");
    }

    @FunctionalInterface
    interface BeforeMove {
        void prepare(Path target) throws IOException;
    }
}
