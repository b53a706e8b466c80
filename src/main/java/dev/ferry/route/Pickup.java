package dev.ferry.route;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.ferry.ftps.Names;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileExclusiveReadLockStrategy;
import org.apache.camel.component.file.GenericFileFilter;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.strategy.FileChangedExclusiveReadLockStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which files of a route's source Camel hands over: regular files matching {@code include}, unchanged for
 * {@code stableFor}, not on hold. Everything else is left alone, with one warning where the operator should know.
 */
final class Pickup implements GenericFileFilter<File> {

    private static final Logger LOG = LoggerFactory.getLogger(Pickup.class);

    private final Pattern include;
    private final long stableForMillis;
    private final Quarantine quarantine;
    private final Skipped skipped;
    private final Runnable listed;
    private final Map<Path, Instant> held = new ConcurrentHashMap<>();
    /** Files whose hold has ended and that are listed again: handed over first (cluster mode, {@link PollOrder}). */
    private final Set<Path> overdue = ConcurrentHashMap.newKeySet();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final Map<Path, Observed> future = new ConcurrentHashMap<>();
    private final Map<Path, Observed> acceptedFuture = new ConcurrentHashMap<>();
    private final StableReadLock readLock;

    /** Moves a file no server may see to the failed directory, with the reason. */
    @FunctionalInterface
    interface Quarantine {

        void now(Path file, String relativePath, String reason);
    }

    /** Reports a file left alone, once per name, with the reason the warning gives. */
    @FunctionalInterface
    interface Skipped {

        void report(Path file, String reason);
    }

    /** {@code listed} is told of every file the poll lists, for the route's {@link PollWatch}. */
    Pickup(RouteParameters route, Quarantine quarantine, Skipped skipped, Runnable listed) {
        this.include = route.include();
        this.stableForMillis = route.stableFor().toMillis();
        // after stableForMillis: its minimum age
        this.readLock = new StableReadLock();
        this.quarantine = quarantine;
        this.skipped = skipped;
        this.listed = listed;
    }

    /**
     * Keeps a file out of the polls until {@code until}: one the local disk could not take, or (cluster mode) one
     * another host holds.
     */
    void hold(Path file, Instant until) {
        if (held.size() > 10_000) {
            // holds of files never listed again (archived or gone): dropped once they end
            Instant now = Instant.now();
            held.values().removeIf(end -> end.isBefore(now));
        }
        held.put(file, until);
    }

    /**
     * The files that were held and are listed again now that their hold has ended, as of now: in cluster mode most
     * often one whose host died, which the poll hands over before the rest ({@link PollOrder}).
     */
    Set<Path> overdue() {
        return Set.copyOf(overdue);
    }

    /** The file is handed over: no longer overdue. */
    void handedOver(Path file) {
        overdue.remove(file);
    }

    /**
     * Picks up regular, readable files not on hold whose names match {@code include} and that have not changed for
     * {@code stableFor}. Symbolic links, special files (FIFOs, sockets, devices: opening a FIFO would block the route)
     * and files without read permission are left alone with one warning each: Ferry ships regular files, and a
     * mode-000 file is usually still being prepared. A name no server may see (see {@link #unsendable}) is
     * quarantined once it is stable; a name this JVM cannot decode is reported once, as it can be neither opened nor
     * moved.
     */
    @Override
    public boolean accept(GenericFile<File> file) {
        listed.run();
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
            // directories too: a linked directory would ship (and archive) files from outside the source, or loop
            warnOnce(path,
                    "is a symbolic link: not picked up. Ferry ships regular files only; move or copy the file itself "
                            + "into the source");
            return false;
        }
        if (attributes.isDirectory()) {
            if (unsendable(local.getName()) != null) {
                warnOnce(path, "is a directory whose name no server may see: not descended into. "
                        + unsendable(local.getName()));
                return false;
            }
            return true;
        }
        if (!attributes.isRegularFile()) {
            warnOnce(path,
                    "is not a regular file (a FIFO, socket or device): not picked up. Ferry ships regular files only");
            return false;
        }
        if (include != null && !include.matcher(local.getName()).matches()) {
            return false;
        }
        if (!stable(path, attributes)) {
            // still being written, or just moved in: a later poll takes it, and the poll does not wait on it meanwhile
            return false;
        }
        Instant until = held.get(path);
        if (until != null) {
            if (Instant.now().isBefore(until)) {
                return false;
            }
            held.remove(path);
            if (overdue.size() > 10_000) {
                overdue.clear();
            }
            overdue.add(path);
        }
        // the name as it is on disk: Camel's relative path has a backslash turned into a separator already
        String unsendable = unsendable(local.getName());
        if (unsendable != null) {
            String relative = file.getRelativeFilePath();
            relative = relative.substring(0, relative.length() - local.getName().length()) + local.getName();
            // complete by now (see above): a move to another disk copies, a writer still at work would lose the rest
            quarantine.now(path, relative, Names.printable(relative) + ": " + unsendable);
            return false;
        }
        if (!readable(path)) {
            warnOnce(path, "cannot be read (no read permission): not picked up until its permissions allow it");
            return false;
        }
        return true;
    }

    /**
     * Unchanged for {@code stableFor}: older than that by its modification time, or, for a file dated in the future
     * (a host with a skewed clock, {@code tar} or {@code rsync -t} from one), unchanged in time and size for that long
     * as this process observes it; such a file is reported once.
     */
    private boolean stable(Path path, BasicFileAttributes attributes) {
        long modified = attributes.lastModifiedTime().toMillis();
        long now = System.currentTimeMillis();
        if (modified <= now) {
            if (!future.isEmpty()) {
                // dated in the future when first seen, since set back (the host's clock, or touch)
                future.remove(path);
            }
            return modified <= now - stableForMillis;
        }
        Observed seen = new Observed(modified, attributes.size(), System.nanoTime());
        Observed first = future.putIfAbsent(path, seen);
        if (first == null) {
            if (future.size() > 10_000) {
                future.clear();
            }
            if (firstTime("future " + path)) {
                LOG.warn("{} has a modification time in the future ({}, this host's clock says {}): it is sent once "
                        + "unchanged for {} ms as Ferry observes it; check the clock of whatever wrote it",
                        Names.printable(path.toString()), Instant.ofEpochMilli(modified), Instant.ofEpochMilli(now),
                        stableForMillis);
            }
            return false;
        }
        if (first.modified() != seen.modified() || first.size() != seen.size()) {
            future.put(path, seen);
            return false;
        }
        if (seen.nanos() - first.nanos() < stableForMillis * 1_000_000L) {
            return false;
        }
        future.remove(path);
        acceptedFuture.put(path, seen);
        return true;
    }

    /**
     * Camel's {@code changed} read lock, which checks again just before the upload that the file is unchanged and
     * older than {@code stableFor}; a file dated in the future can never be older, so for it the check is that it is
     * still as this filter accepted it (same time and size).
     */
    GenericFileExclusiveReadLockStrategy<File> readLock() {
        return readLock;
    }

    private final class StableReadLock extends FileChangedExclusiveReadLockStrategy {

        StableReadLock() {
            setMinAge(stableForMillis);
            setCheckInterval(100);
            setTimeout(10_000);
            setMinLength(0);
            setMarkerFiler(false);
            setReadLockLoggingLevel(LoggingLevel.INFO);
        }

        @Override
        public boolean acquireExclusiveReadLock(GenericFileOperations<File> operations, GenericFile<File> file,
                Exchange exchange) throws Exception {
            File local = file.getFile();
            long modified = local.lastModified();
            if (modified <= System.currentTimeMillis()) {
                return super.acquireExclusiveReadLock(operations, file, exchange);
            }
            Observed accepted = acceptedFuture.remove(local.toPath());
            return accepted != null && accepted.modified() == modified && accepted.size() == local.length();
        }
    }

    /** A file dated in the future as first seen unchanged: its time, its size, when (monotonic clock). */
    private record Observed(long modified, long size, long nanos) {
    }

    private static boolean readable(Path path) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            boolean anyReadBit = permissions.contains(PosixFilePermission.OWNER_READ)
                    || permissions.contains(PosixFilePermission.GROUP_READ)
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
            return "the name holds a backslash, which FTP servers and Camel treat as a directory separator; Ferry "
                    + "does not send it."
                    + " Rename the file without backslashes and move it back into the source";
        }
        return null;
    }

    private void undecodable(File file) {
        String name = Names.printable(file.getPath());
        if (firstTime(name)) {
            LOG.error(
                    "{} has a name that is not valid in this JVM's file-name encoding ({}): Ferry can neither open "
                            + "nor move it, so it"
                            + " stays where it is, undelivered. {}",
                    name, System.getProperty("sun.jnu.encoding"), Encoding.advice());
        }
    }

    private void warnOnce(Path path, String why) {
        String name = Names.printable(path.toString());
        if (firstTime(name)) {
            LOG.warn("{} {}", name, why);
            skipped.report(path, why);
        }
    }

    /** Whether this name is reported for the first time (the memory is bounded: after 10,000 names it starts over). */
    private boolean firstTime(String name) {
        if (warned.size() > 10_000) {
            warned.clear();
        }
        return warned.add(name);
    }
}
