package dev.ferry.route;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.component.file.GenericFile;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class PollOrderTest {

    @Test
    void aloneTheOldestComeFirstThenByPath() {
        List<GenericFile<File>> files = new ArrayList<>(List.of(file("c", 3_000), file("b", 1_000), file("a", 1_000),
                file("d", 2_500)));
        files.sort(PollOrder.oldestFirst());
        assertEquals(List.of("a", "b", "d", "c"), names(files));
    }

    @Test
    void inClusterModeAnOlderSecondComesFirstAndEachHostOrdersOneSecondItsOwnWay() {
        List<GenericFile<File>> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(file(String.format("f%02d", i), 60_000 + i));
        }
        // left by a host that died, a second older than the batch
        batch.add(file("orphan", 59_500));
        List<GenericFile<File>> a = new ArrayList<>(batch);
        List<GenericFile<File>> b = new ArrayList<>(batch);
        a.sort(PollOrder.spreadAmong("host-a/1a2b3c4d", () -> file -> false));
        b.sort(PollOrder.spreadAmong("host-b/5e6f7a8b", () -> file -> false));
        assertEquals("orphan", names(a).get(0));
        assertEquals("orphan", names(b).get(0));
        assertNotEquals(names(a).subList(1, 6), names(b).subList(1, 6), "two hosts start the batch alike");
        // the same host, the same order: each poll goes on where the last left off
        List<GenericFile<File>> again = new ArrayList<>(batch);
        again.sort(PollOrder.spreadAmong("host-a/1a2b3c4d", () -> file -> false));
        assertEquals(names(a), names(again));
    }

    @Test
    void inClusterModeAFileWhoseHoldEndedComesBeforeTheRestOfItsBatch() {
        List<GenericFile<File>> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(file(String.format("f%02d", i), 60_000 + i));
        }
        PollOrder order = PollOrder.spreadAmong("host-a/1a2b3c4d",
                () -> file -> file.getRelativeFilePath().equals("f37"));
        order.beforePoll();
        batch.sort(order);
        assertEquals("f37", names(batch).get(0));
    }

    private static GenericFile<File> file(String name, long modified) {
        GenericFile<File> file = new GenericFile<>();
        file.setRelativeFilePath(name);
        file.setFileNameOnly(name);
        file.setLastModified(modified);
        file.setFile(new File("/outbox", name));
        return file;
    }

    private static List<String> names(List<GenericFile<File>> files) {
        return files.stream().map(GenericFile::getRelativeFilePath).toList();
    }
}
