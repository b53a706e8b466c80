package dev.ferry.outcome;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * The files waiting in a route's source, as its metrics and summary line show them: regular files the route would
 * pick up (matching {@code include}, names not starting with a dot, in subdirectories when {@code recursive}),
 * counted with the age of the oldest. Asking never lists the source itself: it answers with the last listing and, when
 * that is older than {@link #FRESH_FOR} (or a fresh one is asked for), has the next one made on {@code lister}. A
 * source that hangs (a dead network mount) so holds up one listing thread, never a scrape of {@code /q/metrics} or
 * the summary line. A listing stops after {@link #MAX_FILES}, which is then what it reports.
 */
final class Backlog {

    static final Duration FRESH_FOR = Duration.ofSeconds(5);
    static final int MAX_FILES = 1_000_000;

    private final Path source;
    private final Pattern include;
    private final boolean recursive;
    private final Executor lister;
    private final AtomicBoolean listing = new AtomicBoolean();
    private volatile long listedAtNanos = System.nanoTime() - FRESH_FOR.toNanos();
    private volatile long waiting;
    private volatile long oldestModifiedMillis;

    Backlog(Path source, Pattern include, boolean recursive, Executor lister) {
        this.source = source;
        this.include = include;
        this.recursive = recursive;
        this.lister = lister;
    }

    long waiting() {
        refreshIfStale();
        return waiting;
    }

    /** Seconds since the oldest waiting file was last modified; 0 when none waits. */
    double oldestAgeSeconds() {
        refreshIfStale();
        return waiting == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldestModifiedMillis) / 1000.0;
    }

    /** Has the source listed again, whenever it was last: what the next answers show. */
    void relist() {
        if (listing.compareAndSet(false, true)) {
            lister.execute(this::list);
        }
    }

    private void refreshIfStale() {
        if (System.nanoTime() - listedAtNanos >= FRESH_FOR.toNanos()) {
            relist();
        }
    }

    private void list() {
        long[] count = {0};
        long[] oldest = {Long.MAX_VALUE};
        try {
            Files.walkFileTree(source, EnumSet.noneOf(FileVisitOption.class), recursive ? Integer.MAX_VALUE : 1,
                    new SimpleFileVisitor<>() {

                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                            // the archive, failed and state directories are dot-directories by default
                            return dir.equals(source) || !hidden(dir)
                                    ? FileVisitResult.CONTINUE
                                    : FileVisitResult.SKIP_SUBTREE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                            if (attributes.isRegularFile() && !hidden(file)
                                    && (include == null || include.matcher(file.getFileName().toString()).matches())) {
                                count[0]++;
                                oldest[0] = Math.min(oldest[0], attributes.lastModifiedTime().toMillis());
                            }
                            return count[0] >= MAX_FILES ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            // gone since the listing, or unreadable: not waiting for Ferry
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException | RuntimeException e) {
            // the source itself cannot be listed: the route's own poll reports that; nothing is known to wait
        } finally {
            oldestModifiedMillis = oldest[0];
            waiting = count[0];
            listedAtNanos = System.nanoTime();
            listing.set(false);
        }
    }

    private static boolean hidden(Path path) {
        return path.getFileName() != null && path.getFileName().toString().startsWith(".");
    }
}
