package dev.ferry.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.demo.EmbeddedFtpsServer.Storage;
import dev.ferry.demo.StorageEvent;
import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.RealFtpServer;
import dev.ferry.testing.RealFtpServer.Kind;
import dev.ferry.testing.Tally;
import dev.ferry.testing.TestFiles;
import dev.ferry.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash suite: 1,000 files, the Ferry process killed with SIGKILL at random moments 20 times (during uploads, between
 * upload and rename, during archive moves) and restarted each time, against vsftpd requiring session reuse. Prints
 * its figures; none may be lost or corrupted. Ferry uses four connections, so each kill may catch up to four files
 * between the server's confirmation and the delivery record: duplicates may not exceed four per kill, nor one per
 * kill for any file. Run again against the Transfer Family twin storing into S3 with {@code storage=s3}: fewer files
 * and kills, no partial object left.
 */
class CrashIT {

    private static final int FILES = 1000;
    private static final int KILLS = 20;
    private static final int CONNECTIONS = 4;
    private static final long[] SIZES = {0, 100, 4096, 65_536, 512 * 1024, 2 * 1024 * 1024};

    @TempDir
    Path tmp;

    @Test
    void killNineTwentyTimesLosesAndCorruptsNothing() throws Exception {
        long seed = Long.getLong("ferry.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        String remoteDir = "/crash-" + UUID.randomUUID();
        Path landed = RealFtpServer.HOME.resolve(remoteDir.substring(1));
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        Path originals = Files.createDirectories(tmp.resolve("originals"));
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            Path original = TestFiles.random(originals.resolve(String.format("file-%04d.dat", i)),
                    SIZES[i % SIZES.length], i);
            files.add(original);
            Files.copy(original, outbox.resolve(original.getFileName()));
        }
        try (RealFtpServer vsftpd = RealFtpServer.start(Kind.VSFTPD, tmp.resolve("vsftpd"), "TLSv1.3")) {
            FerryConfigDir config = new FerryConfigDir(tmp.resolve("cfg"))
                    .target("vsftpd", vsftpd.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                    .property("ferry.targets.vsftpd.max-connections", String.valueOf(CONNECTIONS))
                    .route("upload", outbox, "vsftpd", remoteDir, "stableFor", "100ms");
            Path archive = TestFiles.today(outbox.resolve(".archive"));
            killDuringUploads(config, outbox, KILLS, random);
            int deliveredWhileKilling = FILES - regularFiles(outbox).size();
            assertTrue(deliveredWhileKilling > 0, "nothing was delivered between the kills: the kills hit no upload");
            try (FerryProcess ferry = FerryProcess.start(config)) {
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> regularFiles(outbox).isEmpty());
            }

            Tally tally = Tally.of(files, landed, archive, outbox);
            int lost = tally.lost();
            int corrupted = tally.corrupted();
            int archivedNotDelivered = tally.archivedNotDelivered();
            Map<String, Integer> uploads = Tally.completedUploads(vsftpd.tlsLog());
            int duplicates = uploads.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
            long temporaryLeft;
            try (Stream<Path> left = Files.list(landed)) {
                temporaryLeft = left.filter(p -> p.getFileName().toString().endsWith(".ferry-part")).count();
            }
            System.out.printf(
                    "CRASH SUITE (seed %d): files %d, connections %d, kills %d, delivered between kills %d, lost %d, "
                            + "corrupted under "
                            + "final name %d, archived but not "
                            + "delivered %d, duplicate deliveries %d, temporary names left %d%n",
                    seed, FILES, CONNECTIONS, KILLS, deliveredWhileKilling, lost, corrupted,
                    archivedNotDelivered, duplicates, temporaryLeft);
            assertEquals(0, lost, "files lost");
            assertEquals(0, corrupted, "files under their final name with other bytes");
            assertEquals(0, archivedNotDelivered, "files archived without being on the server");
            assertTrue(duplicates <= KILLS * CONNECTIONS, "duplicate deliveries: " + duplicates);
            int mostOfOneFile = uploads.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            assertTrue(mostOfOneFile <= 1 + KILLS, "one file was delivered " + mostOfOneFile + " times");
            assertEquals(0, temporaryLeft, "temporary names left on the server");
            assertEquals(FILES, uploads.size(), "files vsftpd received");
        } finally {
            TestFiles.deleteTree(landed);
        }
    }

    /**
     * The crash suite against the Transfer Family twin storing into S3, with {@code storage=s3} (direct uploads): a
     * kill during a {@code STOR} leaves a partial object under the final name (and an {@code OnPartialUpload}); the
     * next start sends the file again, which replaces it. At the end every object holds its file's bytes, whole.
     */
    @Test
    void killNineDuringS3UploadsLeavesNoPartialObject() throws Exception {
        long seed = Long.getLong("ferry.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        int files = 300;
        int kills = 10;
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        Path originals = Files.createDirectories(tmp.resolve("originals"));
        List<Path> sent = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            // no empty files here: every delivery shows as one OnUpload
            Path original = TestFiles.random(originals.resolve(String.format("file-%04d.dat", i)),
                    SIZES[1 + i % (SIZES.length - 1)], i);
            sent.add(original);
            Files.copy(original, outbox.resolve(original.getFileName()));
        }
        Path root = tmp.resolve("bucket");
        // 2 MB/s per upload, so that the kills catch uploads under way
        try (EmbeddedFtpsServer twin = TestServers.embedded(root).transferFamily(Storage.S3).uploadRate(2_000_000)
                .start()) {
            FerryConfigDir config = new FerryConfigDir(tmp.resolve("cfg"))
                    .target("transfer", twin.port(), TestServers.USER, TestServers.PASSWORD)
                    .property("ferry.targets.transfer.storage", "s3")
                    .property("ferry.targets.transfer.max-connections", String.valueOf(CONNECTIONS))
                    .route("upload", outbox, "transfer", "/in", "stableFor", "100ms");
            Path archive = TestFiles.today(outbox.resolve(".archive"));
            killDuringUploads(config, outbox, kills, random);
            int deliveredWhileKilling = files - regularFiles(outbox).size();
            long partialObjects = twin.onPartialUploads().size();
            // an upload cut without TLS's close_notify may read as a clean end to the server: a short object, and
            // its OnUpload
            long shortUploads = twin.storageEvents().stream()
                    .filter(e -> e.kind() == StorageEvent.Kind.ON_UPLOAD && e.size() != sizeOf(originals, e.key()))
                    .count();
            try (FerryProcess ferry = FerryProcess.start(config)) {
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> regularFiles(outbox).isEmpty());
            }
            Tally tally = Tally.of(sent, root.resolve("in"), archive, outbox);
            int lost = tally.lost();
            int corrupted = tally.corrupted();
            int archivedNotDelivered = tally.archivedNotDelivered();
            Map<String, Integer> uploads = new HashMap<>();
            twin.onUploads().forEach(key -> uploads.merge(key, 1, Integer::sum));
            int duplicates = uploads.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
            long otherNames;
            try (Stream<Path> left = Files.list(root.resolve("in"))) {
                otherNames = left.filter(p -> !p.getFileName().toString().startsWith("file-")).count();
            }
            long copies = twin.storageEvents().stream().filter(e -> e.kind() == StorageEvent.Kind.OBJECT_COPIED)
                    .count();
            System.out.printf(
                    "CRASH SUITE (Transfer Family twin, S3; seed %d): files %d, connections %d, kills %d, delivered"
                            + " between kills %d, partial objects made by the kills %d (and short objects closed as"
                            + " complete %d), lost %d, partial or other bytes"
                            + " under a final name at the end %d, archived but not delivered %d, duplicate deliveries"
                            + " (OnUpload) %d, other names left %d, object copies %d%n",
                    seed, files, CONNECTIONS, kills, deliveredWhileKilling, partialObjects, shortUploads, lost,
                    corrupted,
                    archivedNotDelivered, duplicates, otherNames, copies);
            assertTrue(deliveredWhileKilling > 0, "nothing was delivered between the kills: the kills hit no upload");
            assertTrue(deliveredWhileKilling < files, "everything was delivered before the last kill");
            assertEquals(0, lost, "files lost");
            assertEquals(0, corrupted, "partial objects (or other bytes) left under a final name");
            assertEquals(0, archivedNotDelivered, "files archived without being on the server");
            assertTrue(duplicates <= kills * CONNECTIONS, "duplicate deliveries: " + duplicates);
            assertEquals(files, uploads.size(), "files with an OnUpload");
            assertEquals(0, otherNames, "names on the server that are no file's");
            assertEquals(0, copies, "objects copied (renamed) on S3");
        }
    }

    /** Starts Ferry and kills it with SIGKILL {@code kills} times, each at a random moment once uploads run. */
    private static void killDuringUploads(FerryConfigDir config, Path outbox, int kills, Random random)
            throws Exception {
        for (int kill = 0; kill < kills; kill++) {
            FerryProcess ferry = FerryProcess.start(config);
            // kill while uploads are under way: from the first upload on, however long this machine takes to start
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> ferry.log().contains("Uploaded ") || regularFiles(outbox).isEmpty());
            // then at a random moment into them: a time is the point here, there is no event to wait for
            Thread.sleep(random.nextInt(1_500));
            ferry.kill();
            ferry.close();
        }
    }

    /** The size of the original of an object's key ({@code in/file-0001.dat}). */
    private static long sizeOf(Path originals, String key) {
        try {
            return Files.size(originals.resolve(key.substring(key.lastIndexOf('/') + 1)));
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static List<Path> regularFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
