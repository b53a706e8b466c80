package dev.ferry.route;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record of delivered files of one source directory ({@code <source>/.ferry/delivered}): one line per delivery,
 * each with its own CRC-32, appended and synced before the file is archived. On start the lines whose checksum holds
 * are the proof that a file was delivered; damaged lines (a truncated or corrupted file) are reported and ignored, so
 * a file whose record was lost is sent again rather than never. Camel's FileIdempotentRepository cannot tell a
 * damaged line from a key, hence this class.
 */
final class DeliveryRecord {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryRecord.class);
    /** Above this many lines the record is rewritten with the newest half: only recent ones can still matter. */
    private static final int COMPACT_ABOVE = 20_000;

    private final Path file;
    private final Set<String> delivered = new LinkedHashSet<>();

    private DeliveryRecord(Path file) {
        this.file = file;
    }

    static DeliveryRecord open(Path file) throws IOException {
        DeliveryRecord record = new DeliveryRecord(file);
        record.load();
        return record;
    }

    synchronized boolean contains(String key) {
        return delivered.contains(key);
    }

    synchronized void add(String key) throws IOException {
        if (delivered.contains(key)) {
            return;
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.SYNC)) {
            out.write(line(key).getBytes(StandardCharsets.UTF_8));
        }
        // only once it is on disk: a failed write must fail the delivery, not pass on a retry
        delivered.add(key);
        if (delivered.size() > COMPACT_ABOVE) {
            rewrite(false);
        }
    }

    private void load() throws IOException {
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            return;
        }
        int damaged = 0;
        List<String> lines;
        try {
            lines = List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n", -1));
        } catch (IOException e) {
            LOG.warn("Cannot read the delivery record {} ({}): starting without it; files still in the source are sent again", file, e.toString());
            return;
        }
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            String key = verified(line);
            if (key == null) {
                damaged++;
            } else {
                delivered.add(key);
            }
        }
        if (damaged > 0) {
            LOG.warn("Delivery record {}: {} damaged line(s) ignored ({} intact); a file they recorded is sent again if it is still in the"
                    + " source", file, damaged, delivered.size());
        }
        if (damaged > 0 || delivered.size() > COMPACT_ABOVE) {
            rewrite(damaged > 0);
        }
    }

    /** Keeps the intact (and, above the limit, the newest) lines; a damaged file is kept beside it for inspection. */
    private void rewrite(boolean damaged) throws IOException {
        List<String> keep = new ArrayList<>(delivered);
        if (keep.size() > COMPACT_ABOVE) {
            keep = keep.subList(keep.size() - COMPACT_ABOVE / 2, keep.size());
            delivered.retainAll(keep);
        }
        Path fresh = file.resolveSibling(file.getFileName() + ".new");
        StringBuilder text = new StringBuilder();
        keep.forEach(key -> text.append(line(key)));
        Files.writeString(fresh, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.SYNC);
        if (damaged) {
            Files.copy(file, file.resolveSibling(file.getFileName() + ".damaged"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String line(String key) {
        return crc(key) + " " + key + "\n";
    }

    private static String verified(String line) {
        int space = line.indexOf(' ');
        if (space != 8) {
            return null;
        }
        String key = line.substring(space + 1);
        return crc(key).equals(line.substring(0, space)) ? key : null;
    }

    private static String crc(String key) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }
}
