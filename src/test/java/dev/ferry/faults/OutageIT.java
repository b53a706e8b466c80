package dev.ferry.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.demo.EmbeddedFtpsServer.Storage;
import dev.ferry.demo.StorageEvent;
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
 * delivery resumes without anyone touching Ferry. Prints its figures. Run against the embedded server as a file
 * system, and against the Transfer Family twin storing into S3 with {@code storage=s3}, where the uploads cut by the
 * outage leave partial objects that must all be replaced.
 */
class OutageIT {

    private static final int FILES = 200;

    @TempDir
    Path tmp;

    @Test
    void sixtySecondOutageLosesNothingAndDeliveryResumesByItself() throws Exception {
        outage("OUTAGE SUITE", port -> TestServers.embedded(tmp.resolve("server")).port(port).start(), "file");
    }

    @Test
    void sixtySecondOutageOfTransferFamilyOnS3LeavesNoPartialObject() throws Exception {
        List<EmbeddedFtpsServer> started = new ArrayList<>();
        outage("OUTAGE SUITE (Transfer Family twin, S3)", port -> {
            EmbeddedFtpsServer twin = TestServers.embedded(tmp.resolve("server")).transferFamily(Storage.S3)
                    .port(port).start();
            started.add(twin);
            return twin;
        }, "s3");
        List<StorageEvent> events = started.stream().flatMap(twin -> twin.storageEvents().stream()).toList();
        long partial = events.stream().filter(e -> e.kind() == StorageEvent.Kind.ON_PARTIAL_UPLOAD).count();
        long onUploads = events.stream().filter(e -> e.kind() == StorageEvent.Kind.ON_UPLOAD).count();
        long copies = events.stream().filter(e -> e.kind() == StorageEvent.Kind.OBJECT_COPIED).count();
        System.out.printf("OUTAGE SUITE (Transfer Family twin, S3): partial objects made by the outage %d (all replaced"
                + " or deleted), OnUpload %d for %d files, object copies %d%n", partial, onUploads, FILES, copies);
        assertEquals(0, copies, "objects copied (a rename) on S3");
        // every file is non-empty: one OnUpload each, more only for a file whose upload the outage cut after its end
        assertTrue(onUploads >= FILES, "OnUpload " + onUploads + " for " + FILES + " files");
    }

    private interface ServerStart {

        EmbeddedFtpsServer start(int port) throws Exception;
    }

    private void outage(String suite, ServerStart starter, String storage) throws Exception {
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        List<Path> originals = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            originals.add(TestFiles.random(staging.resolve(String.format("f-%03d.bin", i)),
                    i % 10 == 0 ? 3_000_000 : 20_000, i));
        }
        EmbeddedFtpsServer server = starter.start(0);
        int port = server.port();
        FerryConfigDir config = new FerryConfigDir(tmp.resolve("cfg")).target("transfer", port, "ferry", "secret")
                .property("ferry.targets.transfer.storage", storage)
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
            server = starter.start(port);
            await().atMost(Duration.ofSeconds(90)).until(() -> count(archive) == FILES);

            int lost = 0;
            for (Path original : originals) {
                if (!TestFiles.sameBytes(original, tmp.resolve("server/in").resolve(original.getFileName()))) {
                    lost++;
                }
            }
            long backoffLines = ferry.log().lines().filter(l -> l.contains("unavailable, failure")).count();
            long partialLeft = partialObjectsLeft(originals, tmp.resolve("server/in"));
            System.out.printf(
                    "%s: files %d, archived before the outage %d, archived during the 60 s outage %d (each "
                            + "already on "
                            + "the server), lost %d, backoff log lines %d, quarantined %d, other bytes under a final "
                            + "name %d%n",
                    suite, FILES, deliveredBefore, archivedDuringOutage, lost,
                    backoffLines, Files.exists(outbox.resolve(".failed")) ? count(outbox.resolve(".failed")) : 0,
                    partialLeft);
            assertEquals(0, lost);
            assertEquals(0, partialLeft, "files under their final name with other bytes");
            assertTrue(backoffLines >= 3, "backoff not visible in the log:\n" + ferry.log());
            assertEquals("UP", ferry.readinessOf("transfer"), "still reported down after the outage");
            assertTrue(!Files.exists(outbox.resolve(".failed")), "files were quarantined during an outage");
        } finally {
            server.close();
        }
    }

    /** Names on the server that hold other bytes than their file's, and names that are no file's. */
    private static long partialObjectsLeft(List<Path> originals, Path remote) throws Exception {
        long wrong = originals.stream().filter(f -> !TestFiles.sameBytes(f, remote.resolve(f.getFileName()))).count();
        try (Stream<Path> names = Files.list(remote)) {
            return wrong + names.filter(p -> originals.stream().noneMatch(f -> f.getFileName().equals(p.getFileName())))
                    .count();
        }
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
