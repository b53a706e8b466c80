package dev.ferry.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random file contents and byte-for-byte comparisons. */
public final class TestFiles {

    private TestFiles() {
    }

    public static Path random(Path file, long size, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        Random random = new Random(seed);
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0;) {
                random.nextBytes(buffer);
                int n = (int) Math.min(buffer.length, left);
                out.write(buffer, 0, n);
                left -= n;
            }
        }
        return file;
    }

    /** Today's folder of an archive: {@code <archive>/yyyy/MM/dd}. */
    public static Path today(Path archive) {
        return archive
                .resolve(java.time.LocalDate.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyy/MM/dd")));
    }

    public static void assertSameBytes(Path expected, Path actual) throws IOException {
        assertTrue(Files.isRegularFile(actual), actual + " does not exist");
        assertEquals(Files.size(expected), Files.size(actual), "size of " + actual);
        if (Files.size(expected) < 8 * 1024 * 1024) {
            assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(actual), "bytes of " + actual);
        } else {
            assertEquals(-1L, Files.mismatch(expected, actual), "first differing byte of " + actual);
        }
    }

    public static boolean sameBytes(Path expected, Path actual) {
        try {
            return Files.isRegularFile(actual) && Files.mismatch(expected, actual) == -1L;
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes a directory and everything under it, if it exists (a file of mode 000 included). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
