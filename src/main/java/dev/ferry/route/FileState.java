package dev.ferry.route;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What identifies one version of a local file: size, modification time, inode and status-change time (ns). A new
 * file under an old name never has all four of an old one: {@code cp -p}, {@code rsync -t}, tar and a re-dropped
 * archived file keep the size and the modification time, but get another inode or a new status-change time (a
 * rename sets it too). A write in place changes the modification and status-change times, even at the same size.
 */
record FileState(long size, long modifiedNanos, Object inode, long changedNanos) {

    static FileState of(Path path) throws IOException {
        try {
            Map<String, Object> unix = Files.readAttributes(path, "unix:size,lastModifiedTime,ino,ctime",
                    LinkOption.NOFOLLOW_LINKS);
            return new FileState((Long) unix.get("size"), nanos((FileTime) unix.get("lastModifiedTime")),
                    unix.get("ino"),
                    nanos((FileTime) unix.get("ctime")));
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // no "unix" view (not Linux or another Unix): the file key holds the inode where there is one
            BasicFileAttributes basic = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return new FileState(basic.size(), nanos(basic.lastModifiedTime()), basic.fileKey(),
                    nanos(basic.creationTime()));
        }
    }

    /** For the delivery record: one line, no separators a name could forge. */
    String identity() {
        return size + "|" + modifiedNanos + "|" + inode + "|" + changedNanos;
    }

    private static long nanos(FileTime time) {
        return time.to(TimeUnit.NANOSECONDS);
    }
}
