package dev.ferry.faults;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.testing.AuditLog;
import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.TestFiles;
import dev.ferry.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * State-damage suite: the delivery record truncated or corrupted while delivered files are still in the source (a
 * crash between upload and archiving). Ferry starts, warns, does not resend what an intact record line proves
 * delivered, and sends again what it can no longer prove. Prints its figures.
 */
class StateDamageIT {

    @TempDir
    Path tmp;

    private EmbeddedFtpsServer server;
    private FerryConfigDir config;
    private Path outbox;
    private List<String> names = List.of("a.csv", "b.csv", "c.csv");

    @BeforeEach
    void deliverThree() throws Exception {
        server = TestServers.embedded(tmp.resolve("server")).start();
        outbox = Files.createDirectories(tmp.resolve("outbox"));
        // the window the record is for: delivered and recorded, but not archived (here: the archive cannot be created)
        Path blocker = Files.writeString(tmp.resolve("archive"), "a file where the archive directory should be");
        config = new FerryConfigDir(tmp.resolve("cfg")).target("transfer", server.port(), "ferry", "secret")
                .route("upload", outbox, "transfer", "/in", "archive", blocker.toString());
        try (FerryProcess ferry = FerryProcess.start(config)) {
            for (int i = 0; i < names.size(); i++) {
                // one at a time, so the record's lines are in a known order
                TestFiles.random(outbox.resolve(names.get(i)), 1000 + i, i);
                String name = names.get(i);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> ferry.log().contains(name + " was delivered but cannot be moved"));
            }
        }
        assertEquals(3, server.sessions().stores());
        Files.delete(blocker);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void corruptedAndTruncatedLinesAreReportedAndOnlyTheirFilesAreSentAgain() throws Exception {
        Path record = outbox.resolve(".ferry/delivered");
        List<String> lines = Files.readAllLines(record, StandardCharsets.UTF_8);
        assertEquals(3, lines.size(), lines.toString());
        String corrupted = lines.get(1).replace("b.csv", "b.cs\u0000");
        String truncated = lines.get(2).substring(0, lines.get(2).length() / 2);
        Files.writeString(record, lines.get(0) + "\n" + corrupted + "\n" + truncated, StandardCharsets.UTF_8);

        int storesBefore = server.sessions().stores();
        AuditLog audit = config.audit();
        try (FerryProcess ferry = FerryProcess.start(config)) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> names.stream().allMatch(n -> Files.exists(archive().resolve(n))));
            int resent = server.sessions().stores() - storesBefore;
            System.out.printf(
                    "STATE DAMAGE SUITE: record lines 3, damaged 2, files in the source 3, resent %d, archived without "
                            + "resending %d%n",
                    resent, names.size() - resent);
            assertTrue(ferry.log().contains("2 damaged line(s) ignored (1 intact)")
                    && ferry.log().contains(record.toString()), ferry.log());
            assertEquals(1, audit.with("skipped", "a.csv").size(), "a.csv not archived without resending: " + audit);
            assertEquals(List.of("b.csv", "c.csv"), audit.with("delivered").stream()
                    .map(l -> Path.of(l.getString("localPath")).getFileName().toString()).sorted().toList(),
                    audit.toString());
            assertEquals(2, resent, "files sent again");
            assertTrue(Files.exists(record.resolveSibling("delivered.damaged")));
        }
    }

    @Test
    void aRecordOfGarbageStillLetsFerryStartAndEverythingIsSentAgain() throws Exception {
        Path record = outbox.resolve(".ferry/delivered");
        byte[] garbage = new byte[4096];
        new java.util.Random(5).nextBytes(garbage);
        Files.write(record, garbage);
        int storesBefore = server.sessions().stores();
        try (FerryProcess ferry = FerryProcess.start(config)) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> names.stream().allMatch(n -> Files.exists(archive().resolve(n))));
            System.out.printf("STATE DAMAGE SUITE (garbage record): resent %d of %d%n",
                    server.sessions().stores() - storesBefore, names.size());
            assertTrue(ferry.log().contains("damaged line(s) ignored (0 intact)"), ferry.log());
            assertEquals(3, server.sessions().stores() - storesBefore);
        }
        for (String name : names) {
            TestFiles.assertSameBytes(archive().resolve(name), tmp.resolve("server/in").resolve(name));
        }
    }

    private Path archive() {
        return TestFiles.today(tmp.resolve("archive"));
    }
}
