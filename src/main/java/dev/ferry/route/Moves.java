package dev.ferry.route;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The moves into the archive and the failed directory: no file overwritten, no half-written copy left behind. */
final class Moves {

    private Moves() {
    }

    /**
     * The longest file name Linux file systems take, in bytes of the name's encoding (UTF-8: the launcher and the
     * unit give the JVM a UTF-8 locale).
     */
    static final int NAME_MAX = 255;

    /**
     * Moves the file, adding {@code .1}, {@code .2} ... before its extension when the name is taken; a name with no
     * room left for the number is shortened (see {@link #fit}).
     */
    static Path moveUnique(Path source, Path wanted, BeforeMove beforeMove) throws IOException {
        Files.createDirectories(wanted.getParent());
        String name = wanted.getFileName().toString();
        int dot = name.lastIndexOf('.');
        // an extension that is most of the name (a.<240 characters>) is kept whole, the number goes at the end
        boolean extensionKept = dot > 0 && bytes(name.substring(dot)) < NAME_MAX / 4;
        String stem = extensionKept ? name.substring(0, dot) : name;
        String extension = extensionKept ? name.substring(dot) : "";
        List<Path> tried = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Path candidate = i == 0 ? wanted : wanted.resolveSibling(fit(stem, "." + i + extension));
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
                    throw new NoSuchFileException(source.toString(), null,
                            "vanished before it could be moved to " + candidate);
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
        throw new IOException(
                "No free name for " + source + " in " + wanted.getParent() + " after " + tried.size() + " tries");
    }

    /** The {@code .error} report beside a quarantined file; for a long name, a shortened one (see {@link #fit}). */
    static Path errorFile(Path quarantined) {
        return quarantined.resolveSibling(fit(quarantined.getFileName().toString(), ".error"));
    }

    /**
     * {@code head + tail}, or, when that is longer than {@link #NAME_MAX} bytes, {@code head} cut at a character
     * boundary, then {@code ~} and the CRC-32 of the whole name (two long names that share their beginning stay
     * apart), then {@code tail}: every name the file system took can be archived under a number and quarantined with
     * its report, which names the file in full.
     */
    static String fit(String head, String tail) {
        String whole = head + tail;
        if (bytes(whole) <= NAME_MAX) {
            return whole;
        }
        String mark = "~" + DeliveryRecord.crc(whole);
        int room = NAME_MAX - bytes(tail) - mark.length();
        StringBuilder cut = new StringBuilder();
        int used = 0;
        for (int i = 0; i < head.length();) {
            int codePoint = head.codePointAt(i);
            String character = new String(Character.toChars(codePoint));
            used += bytes(character);
            if (used > room) {
                break;
            }
            cut.append(character);
            i += Character.charCount(codePoint);
        }
        return cut + mark + tail;
    }

    private static int bytes(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length;
    }

    @FunctionalInterface
    interface BeforeMove {

        void prepare(Path target) throws IOException;
    }
}
