package dev.ferry.route;

import java.io.IOException;
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

    /** The {@code .error} report beside a quarantined file. */
    static Path errorFile(Path quarantined) {
        return quarantined.resolveSibling(quarantined.getFileName() + ".error");
    }

    @FunctionalInterface
    interface BeforeMove {

        void prepare(Path target) throws IOException;
    }
}
