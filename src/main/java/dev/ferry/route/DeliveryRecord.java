package dev.ferry.route;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one source directory that were delivered but are not archived yet ({@code <source>/.ferry/delivered}):
 * the record covers one window only, a crash or a full disk between the server's confirmation and the archive move.
 * An entry is appended and synced once the server has the file, and dropped once the file is archived; a file found
 * in the source with an entry of its exact {@link FileState} is archived without being sent again, any other file is
 * sent. Each line carries its own CRC-32: damaged lines (a truncated or corrupted file) are reported and ignored, so
 * a file whose entry was lost is sent again rather than never. Camel's FileIdempotentRepository can neither drop an
 * entry once a file is archived nor tell a damaged line from a key, hence this class.
 */
final class DeliveryRecord {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryRecord.class);
    /** Entries of this record format; older ones (identity without inode and change time) are dropped on load. */
    private static final String VERSION = "v2|";
    private static final String DROPPED = "del ";
    /** Rewritten when it holds this many more lines than entries, keeping every entry. */
    private static final int SLACK = 1000;

    private final Path file;
    private final Set<String> delivered = new LinkedHashSet<>();
    private int lines;
    private boolean failing;
    /** A rewrite found due on load, done before the first write: loading writes nothing (ferry check may run as root). */
    private boolean rewriteDue;
    private boolean damagedOnLoad;
    /** The file ends inside a line (a torn write): the next line must not be glued to it. */
    private boolean tornTail;
    private boolean directoryMade;

    private DeliveryRecord(Path file) {
        this.file = file;
    }

    static DeliveryRecord open(Path file) throws IOException {
        DeliveryRecord record = new DeliveryRecord(file);
        record.load();
        return record;
    }

    /** The entry for one file version: target, remote directory, path in the source and {@link FileState}. */
    static String key(String target, String remoteDir, String relativePath, FileState state) {
        return VERSION + target + "|" + remoteDir + "|" + relativePath + "|" + state.identity();
    }

    synchronized boolean contains(String key) {
        return delivered.contains(escape(key));
    }

    /**
     * Records a delivery, synced to disk before this returns. When the record cannot be written (read-only or full
     * disk), the entry is kept in memory only, so the file is still not sent again while the process runs, and
     * {@code false} says so.
     */
    synchronized boolean add(String key) {
        String entry = escape(key);
        if (!delivered.add(entry)) {
            return true;
        }
        try {
            maintain();
            boolean created = !Files.exists(file);
            append(line(entry), true);
            if (created) {
                syncDirectory();
            }
            if (failing) {
                failing = false;
                LOG.info("The delivery record {} can be written again", file);
            }
            return true;
        } catch (IOException e) {
            if (!failing) {
                failing = true;
                LOG.error(
                        "Cannot write the delivery record {} ({}): delivered files are remembered in memory until it "
                                + "can be written"
                                + " again; should Ferry restart meanwhile, a delivered file not yet archived is sent "
                                + "again",
                        file, e.toString());
            }
            return false;
        }
    }

    /**
     * The file was archived: its entry is no longer needed. Not synced: a lost removal leaves an entry no file
     * matches.
     */
    synchronized void remove(String key) {
        String entry = escape(key);
        if (!delivered.remove(entry)) {
            return;
        }
        try {
            maintain();
            append(line(DROPPED + entry), false);
            if (lines > 2 * delivered.size() + SLACK) {
                rewrite(false);
            }
        } catch (IOException e) {
            LOG.debug("Cannot note the archiving in {}: {}", file, e.toString());
        }
    }

    private void append(String line, boolean sync) throws IOException {
        StandardOpenOption[] options = sync
                ? new StandardOpenOption[]{StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                        StandardOpenOption.SYNC}
                : new StandardOpenOption[]{StandardOpenOption.CREATE, StandardOpenOption.APPEND};
        if (!directoryMade) {
            // loading writes nothing: the directory is made with the first line
            Files.createDirectories(file.getParent());
            directoryMade = true;
        }
        try (OutputStream out = Files.newOutputStream(file, options)) {
            out.write(((tornTail ? "\n" : "") + line).getBytes(StandardCharsets.UTF_8));
        }
        tornTail = false;
        lines++;
    }

    /**
     * The rewrite that loading found due (damaged lines, old entries, too many removals). When it cannot be written
     * (a full disk) the record is appended to as it is: its damaged lines stay ignored, and nothing stops delivery.
     */
    private void maintain() {
        if (!rewriteDue) {
            return;
        }
        rewriteDue = false;
        try {
            rewrite(damagedOnLoad);
        } catch (IOException e) {
            LOG.warn("Cannot rewrite the delivery record {} ({}): appending to it as it is; its damaged lines stay "
                    + "ignored", file, e.toString());
        }
    }

    private void load() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        int damaged = 0;
        int outdated = 0;
        List<String> text;
        try {
            text = List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n", -1));
        } catch (IOException e) {
            LOG.warn(
                    "Cannot read the delivery record {} ({}): starting without it; files still in the source are "
                            + "sent again",
                    file, e.toString());
            return;
        }
        tornTail = !text.get(text.size() - 1).isEmpty();
        for (String line : text) {
            if (line.isEmpty()) {
                continue;
            }
            lines++;
            String payload = verified(line);
            if (payload == null) {
                damaged++;
            } else if (payload.startsWith(DROPPED)) {
                delivered.remove(payload.substring(DROPPED.length()));
            } else if (payload.startsWith(VERSION)) {
                delivered.add(payload);
            } else {
                outdated++;
            }
        }
        if (damaged > 0) {
            LOG.warn(
                    "Delivery record {}: {} damaged line(s) ignored ({} intact); a file they recorded is sent again "
                            + "if it is still in the"
                            + " source",
                    file, damaged, delivered.size());
        }
        if (outdated > 0) {
            LOG.info(
                    "Delivery record {}: {} entries of an older format dropped; such a file still in the source is "
                            + "sent again",
                    file, outdated);
        }
        rewriteDue = damaged > 0 || outdated > 0 || lines > 2 * delivered.size() + SLACK;
        damagedOnLoad = damaged > 0;
    }

    /** Keeps every entry; a damaged file is kept beside it for inspection. */
    private void rewrite(boolean damaged) throws IOException {
        Path fresh = file.resolveSibling(file.getFileName() + ".new");
        StringBuilder text = new StringBuilder();
        delivered.forEach(entry -> text.append(line(entry)));
        try {
            Files.writeString(fresh, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
            if (damaged) {
                Files.copy(file, file.resolveSibling(file.getFileName() + ".damaged"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            // a full disk leaves half a copy: the record itself is untouched until the move
            Files.deleteIfExists(fresh);
        }
        syncDirectory();
        tornTail = false;
        lines = delivered.size();
    }

    /** A new or replaced file is only durable once its directory entry is: sync the directory too. */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the file itself is synced
            LOG.debug("Cannot sync the directory {}: {}", file.getParent(), e.toString());
        }
    }

    /** No line break inside an entry, whatever a name holds: one entry, one line. */
    private static String escape(String key) {
        return key.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String line(String payload) {
        return crc(payload) + " " + payload + "\n";
    }

    private static String verified(String line) {
        int space = line.indexOf(' ');
        if (space != 8) {
            return null;
        }
        String payload = line.substring(space + 1);
        return crc(payload).equals(line.substring(0, space)) ? payload : null;
    }

    /** CRC-32 of the text's UTF-8 bytes, as 8 hex digits: each line's checksum, and short stand-ins for long names. */
    static String crc(String payload) {
        CRC32 crc = new CRC32();
        crc.update(payload.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }
}
