package dev.ferry.route;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The record of delivered, not yet archived files: what it keeps, what it drops, and what survives a restart. */
class DeliveryRecordTest {

    @TempDir
    Path tmp;

    @Test
    void anEntryLastsFromTheDeliveryUntilTheArchivingAndAcrossRestarts() throws Exception {
        Path file = tmp.resolve("src/.ferry/delivered");
        DeliveryRecord record = DeliveryRecord.open(file);
        String a = key("a.csv", 1);
        String b = key("b.csv", 2);
        assertTrue(record.add(a));
        assertTrue(record.add(b));
        record.remove(a);
        assertFalse(record.contains(a),
                "an archived file's entry must go: a look-alike dropped later would be skipped");
        assertTrue(record.contains(b));

        DeliveryRecord reopened = DeliveryRecord.open(file);
        assertFalse(reopened.contains(a));
        assertTrue(reopened.contains(b));
    }

    @Test
    void compactionKeepsEveryFileStillWaitingToBeArchivedHoweverMany() throws Exception {
        Path file = tmp.resolve("src/.ferry/delivered");
        DeliveryRecord record = DeliveryRecord.open(file);
        int held = 10_500;
        for (int i = 0; i < held; i++) {
            record.add(key("held-" + i, i));
        }
        // archived files come and go meanwhile: 28,000 lines more, while the record is rewritten above 22,000 lines
        // (twice its entries and 1,000), so it is rewritten at least once with more than 10,000 entries held
        int passings = 14_000;
        for (int i = 0; i < passings; i++) {
            String passing = key("passing-" + i, i);
            record.add(passing);
            record.remove(passing);
        }
        DeliveryRecord reopened = DeliveryRecord.open(file);
        for (int i = 0; i < held; i++) {
            assertTrue(record.contains(key("held-" + i, i)) && reopened.contains(key("held-" + i, i)),
                    "held-" + i + " was dropped");
        }
        long lines = Files.readAllLines(file, StandardCharsets.UTF_8).size();
        // never rewritten, it would hold held + 2 x passings = 38,500 lines
        assertTrue(lines <= 2L * held + 1000 && lines < held + 2L * passings,
                "the record was not compacted: " + lines + " lines");
    }

    @Test
    void aNameWithLineBreaksStaysOneLineAndCannotForgeAnother() throws Exception {
        Path file = tmp.resolve("src/.ferry/delivered");
        DeliveryRecord record = DeliveryRecord.open(file);
        String forged = key("x.csv", 7);
        String hostile = key("y\n" + forged.substring(forged.indexOf(' ') + 1), 8);
        record.add(hostile);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(1, lines.size(), lines.toString());
        DeliveryRecord reopened = DeliveryRecord.open(file);
        assertTrue(reopened.contains(hostile));
        assertFalse(reopened.contains(forged));
    }

    @Test
    void aRecordThatCannotBeWrittenStillRemembersTheDeliveryWhileRunning() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("src/.ferry"));
        DeliveryRecord record = DeliveryRecord.open(dir.resolve("delivered"));
        // a directory where the record file should be: every write fails, as on a read-only or full disk
        Files.createDirectories(dir.resolve("delivered"));
        String a = key("a.csv", 1);
        assertFalse(record.add(a));
        assertTrue(record.contains(a));
    }

    private static String key(String name, long size) {
        return DeliveryRecord.key("transfer", "/in", name,
                new FileState(size, 1_700_000_000_000_000_000L + size, "ino" + size, size));
    }
}
