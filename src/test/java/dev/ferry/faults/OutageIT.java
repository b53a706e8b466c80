package dev.ferry.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.TestFiles;
import dev.ferry.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outage suite: the server goes away for 60 s in the middle of a run (uploads under way) and comes back on the same
 * port. Nothing is lost, nothing is archived that the server does not hold, the backoff shows in the log, and
 * delivery resumes without anyone touching Ferry. Prints its figures.
 */
class OutageIT {

    private static final int FILES = 200;

    @TempDir
    Path tmp;

    @Test
    void sixtySecondOutageLosesNothingAndDeliveryResumesByItself() throws Exception {
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        List<Path> originals = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            originals.add(TestFiles.random(staging.resolve(String.format("f-%03d.bin", i)),
                    i % 10 == 0 ? 3_000_000 : 20_000, i));
        }
        EmbeddedFtpsServer server = start(0);
        int port = server.port();
        FerryConfigDir config = new FerryConfigDir(tmp.resolve("cfg")).target("transfer", port, "ferry", "secret")
                .property("ferry.backoff.max-delay", "10s").route("upload", outbox, "transfer", "/in");
        Path archive = TestFiles.today(outbox.resolve(".archive"));
        try (FerryProcess ferry = FerryProcess.start(config)) {
            for (Path file : originals) {
                Files.copy(file, outbox.resolve(file.getFileName()));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> count(archive) >= FILES / 4);
            server.close();
            long deliveredBefore = count(archive);
            // for the whole outage, checked every second: whatever is archived is on the server, byte for byte (a
            // loop of its own: awaitility's during() adds each check's time to the window and times out under load)
            long outageEnds = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < outageEnds) {
                assertTrue(archivedAreOnServer(archive, tmp.resolve("server/in")),
                        "a file was archived during the outage without being on the server");
                Thread.sleep(1000);
            }
            long archivedDuringOutage = count(archive) - deliveredBefore;
            server = start(port);
            await().atMost(Duration.ofSeconds(90)).until(() -> count(archive) == FILES);

            int lost = 0;
            for (Path original : originals) {
                if (!TestFiles.sameBytes(original, tmp.resolve("server/in").resolve(original.getFileName()))) {
                    lost++;
                }
            }
            long backoffLines = ferry.log().lines().filter(l -> l.contains("unavailable, failure")).count();
            System.out.printf(
                    "OUTAGE SUITE: files %d, archived before the outage %d, archived during the 60 s outage %d (each "
                            + "already on "
                            + "the server), lost %d, backoff log lines %d, quarantined %d%n",
                    FILES, deliveredBefore, archivedDuringOutage, lost,
                    backoffLines, Files.exists(outbox.resolve(".failed")) ? count(outbox.resolve(".failed")) : 0);
            assertEquals(0, lost);
            assertTrue(backoffLines >= 3, "backoff not visible in the log:\n" + ferry.log());
            assertEquals("UP", ferry.readinessOf("transfer"), "still reported down after the outage");
            assertTrue(!Files.exists(outbox.resolve(".failed")), "files were quarantined during an outage");
        } finally {
            server.close();
        }
    }

    private EmbeddedFtpsServer start(int port) throws Exception {
        return TestServers.embedded(tmp.resolve("server")).port(port).start();
    }

    /** Every archived file is on the server with the same bytes: nothing was archived before its delivery. */
    private static boolean archivedAreOnServer(Path archive, Path remote) throws Exception {
        try (Stream<Path> archived = Files.list(archive)) {
            return archived.allMatch(f -> TestFiles.sameBytes(f, remote.resolve(f.getFileName())));
        }
    }

    private static long count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
