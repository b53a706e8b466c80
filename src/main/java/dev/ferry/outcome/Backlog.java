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
import java.util.regex.Pattern;

/**
 * The files waiting in a route's source, as its metrics and summary line show them: regular files the route would
 * pick up (matching {@code include}, names not starting with a dot, in subdirectories when {@code recursive}),
 * counted with the age of the oldest. For the metrics the source is listed at most once every {@link #FRESH_FOR},
 * however often they are scraped; the summary line lists it afresh ({@link #relist}). A listing stops after
 * {@link #MAX_FILES}, which is then what it reports.
 */
final class Backlog {

    static final Duration FRESH_FOR = Duration.ofSeconds(5);
    static final int MAX_FILES = 1_000_000;

    private final Path source;
    private final Pattern include;
    private final boolean recursive;
    private long listedAtNanos;
    private boolean listed;
    private long waiting;
    private long oldestModifiedMillis;

    Backlog(Path source, Pattern include, boolean recursive) {
        this.source = source;
        this.include = include;
        this.recursive = recursive;
    }

    synchronized long waiting() {
        refresh();
        return waiting;
    }

    /** Seconds since the oldest waiting file was last modified; 0 when none waits. */
    synchronized double oldestAgeSeconds() {
        refresh();
        return waiting == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldestModifiedMillis) / 1000.0;
    }

    /** Lists the source now, whenever it was last listed. */
    synchronized void relist() {
        listed = false;
        refresh();
    }

    private void refresh() {
        if (listed && System.nanoTime() - listedAtNanos < FRESH_FOR.toNanos()) {
            return;
        }
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
        } catch (IOException e) {
            // the source itself cannot be listed: the route's own poll reports that; nothing is known to wait
        }
        waiting = count[0];
        oldestModifiedMillis = oldest[0];
        listed = true;
        listedAtNanos = System.nanoTime();
    }

    private static boolean hidden(Path path) {
        return path.getFileName() != null && path.getFileName().toString().startsWith(".");
    }
}
