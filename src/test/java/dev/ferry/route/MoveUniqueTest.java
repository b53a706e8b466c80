package dev.ferry.route;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The moves into the archive and the failed directory: nothing overwritten, nothing half-written left behind. */
class MoveUniqueTest {

    @TempDir
    Path tmp;

    @Test
    void aTakenNameGetsANumberBeforeItsExtensionAndTheOldFileIsKept() throws Exception {
        Path archive = tmp.resolve("archive/2026/12/02");
        for (int i = 0; i < 3; i++) {
            Path source = Files.writeString(tmp.resolve("report.csv"), "run " + i);
            Moves.moveUnique(source, archive.resolve("report.csv"), null);
            assertFalse(Files.exists(source));
        }
        assertEquals("run 0", Files.readString(archive.resolve("report.csv")));
        assertEquals("run 1", Files.readString(archive.resolve("report.1.csv")));
        assertEquals("run 2", Files.readString(archive.resolve("report.2.csv")));
    }

    @Test
    void aNameWithoutExtensionOrStartingWithADotIsNumberedAtTheEnd() throws Exception {
        Path dir = tmp.resolve("failed");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("README"), "old");
        Files.writeString(dir.resolve(".profile"), "old");
        assertEquals(dir.resolve("README.1"),
                Moves.moveUnique(Files.writeString(tmp.resolve("README"), "new"), dir.resolve("README"), null));
        assertEquals(dir.resolve(".profile.1"),
                Moves.moveUnique(Files.writeString(tmp.resolve(".profile"), "new"), dir.resolve(".profile"), null));
    }

    @Test
    void theReportIsWrittenBeforeTheFileMovesAndANameWithALeftoverReportIsSkipped() throws Exception {
        Path failed = tmp.resolve("failed");
        Files.createDirectories(failed);
        // a report whose file was taken away by hand still explains something: it is not overwritten
        Files.writeString(failed.resolve("data.bin.error"), "earlier reason");
        Path source = Files.writeString(tmp.resolve("data.bin"), "payload");
        Path moved = Moves.moveUnique(source, failed.resolve("data.bin"), target -> {
            assertTrue(Files.exists(source), "the report comes first");
            Files.writeString(target.resolveSibling(target.getFileName() + ".error"), "reason", StandardCharsets.UTF_8);
        });
        assertEquals(failed.resolve("data.1.bin"), moved);
        assertEquals("reason", Files.readString(failed.resolve("data.1.bin.error")));
        assertEquals("earlier reason", Files.readString(failed.resolve("data.bin.error")));
    }

    @Test
    void aFileThatVanishedSaysSoAndAFailedReportLeavesTheFileWhereItWas() throws Exception {
        NoSuchFileException gone = assertThrows(NoSuchFileException.class,
                () -> Moves.moveUnique(tmp.resolve("gone.txt"), tmp.resolve("archive/gone.txt"), null));
        assertTrue(gone.getMessage().contains("vanished before it could be moved"), gone.getMessage());

        Path source = Files.writeString(tmp.resolve("kept.txt"), "payload");
        assertThrows(IOException.class, () -> Moves.moveUnique(source, tmp.resolve("failed/kept.txt"), target -> {
            throw new IOException("No space left on device");
        }));
        assertEquals("payload", Files.readString(source),
                "the file stays in its source when its report cannot be written");
        assertFalse(Files.exists(tmp.resolve("failed/kept.txt")));
    }

    @Test
    void everyNameTheFileSystemTookCanBeNumberedAndGetItsReport() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("long"));
        for (String name : List.of("n".repeat(251) + ".csv", "日".repeat(85), "a." + "x".repeat(253))) {
            assertEquals(255, name.getBytes(StandardCharsets.UTF_8).length, name);
            Files.writeString(dir.resolve(name), "first");
            Path second = Moves.moveUnique(Files.writeString(tmp.resolve("second"), "second"), dir.resolve(name),
                    null);
            Path third = Moves.moveUnique(Files.writeString(tmp.resolve("third"), "third"), dir.resolve(name),
                    target -> Files.writeString(Moves.errorFile(target), "report"));
            assertEquals("first", Files.readString(dir.resolve(name)));
            assertEquals("second", Files.readString(second));
            assertEquals("third", Files.readString(third));
            assertEquals("report", Files.readString(Moves.errorFile(third)));
            assertTrue(Moves.errorFile(third).getFileName().toString().endsWith(".error"));
            assertTrue(second.getFileName().toString().startsWith(name.substring(0, 40)), second.toString());
            assertTrue(third.getFileName().toString().getBytes(StandardCharsets.UTF_8).length <= Moves.NAME_MAX);
        }
        // a name of its own for each long name, even where they share their first 240 characters
        assertNotEquals(Moves.fit("n".repeat(251) + "a", ".error"), Moves.fit("n".repeat(251) + "b", ".error"));
        assertEquals("short.csv.error", Moves.fit("short.csv", ".error"));
    }
}
