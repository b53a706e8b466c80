package dev.ferry.route;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.demo.EmbeddedFtpsServer.Storage;
import dev.ferry.demo.StorageEvent;
import dev.ferry.demo.StorageEvent.Kind;
import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.TestFiles;
import dev.ferry.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged Ferry against the Transfer Family twin ({@link EmbeddedFtpsServer#builder()}
 * {@code .transferFamily(...)}): what a failed direct upload leaves with {@code storage=s3}, a slow rename on S3 in
 * {@code temp-rename} mode, and the rename refusal on EFS. Prints its figures. What S3 and the workflows see of files
 * delivered one after another: {@link TransferFamilyRouteTest}.
 */
class TransferFamilyIT {

    private static final Duration DELIVERY = Duration.ofMinutes(3);

    @TempDir
    Path tmp;

    private EmbeddedFtpsServer twin;

    @AfterEach
    void stop() {
        if (twin != null) {
            twin.close();
        }
    }

    private FerryConfigDir config(String storage) throws IOException {
        return new FerryConfigDir(tmp.resolve("cfg"))
                .target("transfer", twin.port(), TestServers.USER, TestServers.PASSWORD)
                .property("ferry.targets.transfer.storage", storage);
    }

    @Test
    void aDirectUploadCutPartWayIsDeletedAndNothingStaysWhenFerryGivesUp() throws Exception {
        twin = TestServers.embedded(tmp.resolve("bucket")).transferFamily(Storage.S3).start();
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        FerryConfigDir config = config("s3").property("ferry.retry.attempts", "3")
                .route("upload", outbox, "transfer", "/in");
        Path file = TestFiles.random(tmp.resolve("src/cut.bin"), 4L * 1024 * 1024, 3);
        Path dropped = TestFiles.random(tmp.resolve("src/dropped.bin"), 4L * 1024 * 1024, 4);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            // first: the server fails the transfer after 1 MiB, three times (every attempt), the session kept
            twin.failUploads("cut.bin", 1024 * 1024, 3, false);
            Files.copy(file, outbox.resolve("cut.bin"));
            await().atMost(DELIVERY).until(() -> Files.exists(outbox.resolve(".failed/cut.bin")));
            List<StorageEvent> cut = twin.eventsFor("in/cut.bin");
            assertFalse(Files.exists(tmp.resolve("bucket/in/cut.bin")), "left under the final name: " + cut);
            assertEquals(3, count(cut, Kind.ON_PARTIAL_UPLOAD), cut.toString());
            assertEquals(3, count(cut, Kind.OBJECT_DELETED), cut.toString());
            assertEquals(0, count(cut, Kind.ON_UPLOAD), cut.toString());

            // then: the server drops the whole session after 1 MiB, twice; the third attempt goes through
            twin.failUploads("dropped.bin", 1024 * 1024, 2, true);
            Files.copy(dropped, outbox.resolve("dropped.bin"));
            await().atMost(DELIVERY).until(() -> Files.exists(TestFiles.today(outbox.resolve(".archive"))
                    .resolve("dropped.bin")));
            TestFiles.assertSameBytes(dropped, tmp.resolve("bucket/in/dropped.bin"));
            List<StorageEvent> drops = twin.eventsFor("in/dropped.bin");
            System.out.printf("TRANSFER FAMILY (twin, S3): a transfer failed on every attempt: partial objects %d, "
                    + "deleted %d, left under the final name %d, quarantined; a session dropped twice: partial "
                    + "objects %d, deleted %d, then delivered with %d OnUpload%n",
                    count(cut, Kind.ON_PARTIAL_UPLOAD), count(cut, Kind.OBJECT_DELETED), 0,
                    count(drops, Kind.ON_PARTIAL_UPLOAD), count(drops, Kind.OBJECT_DELETED),
                    count(drops, Kind.ON_UPLOAD));
            assertEquals(2, count(drops, Kind.ON_PARTIAL_UPLOAD), drops.toString());
            // each partial object deleted before the next attempt, on the next connection
            assertEquals(2, count(drops, Kind.OBJECT_DELETED), drops.toString());
            assertEquals(1, count(drops, Kind.ON_UPLOAD), drops.toString());
            assertEquals(Kind.ON_UPLOAD, drops.get(drops.size() - 1).kind(), drops.toString());
            assertTrue(ferry.log().contains("Deleted /in/cut.bin"), ferry.log());

            // last: the session dropped on every attempt; the quarantine deletes what the last one left
            Path lost = TestFiles.random(tmp.resolve("src/lost.bin"), 4L * 1024 * 1024, 5);
            twin.failUploads("lost.bin", 1024 * 1024, 3, true);
            Files.copy(lost, outbox.resolve("lost.bin"));
            await().atMost(DELIVERY).until(() -> Files.exists(outbox.resolve(".failed/lost.bin")));
            List<StorageEvent> lostEvents = twin.eventsFor("in/lost.bin");
            System.out.printf("TRANSFER FAMILY (twin, S3): a session dropped on every attempt: partial objects %d,"
                    + " deleted %d (the last by the quarantine), left under the final name %d%n",
                    count(lostEvents, Kind.ON_PARTIAL_UPLOAD), count(lostEvents, Kind.OBJECT_DELETED),
                    Files.exists(tmp.resolve("bucket/in/lost.bin")) ? 1 : 0);
            assertFalse(Files.exists(tmp.resolve("bucket/in/lost.bin")), "left under the final name: " + lostEvents);
            assertEquals(3, count(lostEvents, Kind.ON_PARTIAL_UPLOAD), lostEvents.toString());
            assertEquals(3, count(lostEvents, Kind.OBJECT_DELETED), lostEvents.toString());
        }
    }

    @Test
    void anUploadFerryAbortsIsNeverTakenForAWholeObject() throws Exception {
        // 1 MB/s: the file is appended to while its upload runs, which fails the attempt on Ferry's side
        twin = TestServers.embedded(tmp.resolve("bucket")).transferFamily(Storage.S3).uploadRate(1_000_000).start();
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        FerryConfigDir config = config("s3").route("upload", outbox, "transfer", "/in");
        Path file = TestFiles.random(tmp.resolve("src/growing.bin"), 6L * 1024 * 1024, 7);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            Files.move(file, outbox.resolve("growing.bin"));
            await().atMost(DELIVERY).until(() -> twin.uploadsRunning().getOrDefault("in/growing.bin", 0L) > 1_000_000);
            Files.write(outbox.resolve("growing.bin"), new byte[4096], java.nio.file.StandardOpenOption.APPEND);
            Path archived = TestFiles.today(outbox.resolve(".archive")).resolve("growing.bin");
            await().atMost(DELIVERY).until(() -> Files.exists(archived));
            TestFiles.assertSameBytes(archived, tmp.resolve("bucket/in/growing.bin"));
            List<StorageEvent> events = twin.eventsFor("in/growing.bin");
            long whole = Files.size(archived);
            System.out.printf("TRANSFER FAMILY (twin, S3): an upload Ferry aborted (its file grew): OnPartialUpload %d,"
                    + " OnUpload %d, of which short %d%n", count(events, Kind.ON_PARTIAL_UPLOAD),
                    count(events, Kind.ON_UPLOAD),
                    events.stream().filter(e -> e.kind() == Kind.ON_UPLOAD && e.size() != whole).count());
            // the aborted upload ends with a reset, never a clean TLS close the server would take for the end
            assertEquals(1, count(events, Kind.ON_PARTIAL_UPLOAD), events.toString());
            assertEquals(List.of(whole), events.stream().filter(e -> e.kind() == Kind.ON_UPLOAD)
                    .map(StorageEvent::size).toList(), events.toString());
        }
    }

    @Test
    void aTwoGibFileKeptOnTempRenameOnS3IsDeliveredOnceThoughItsCopyOutlastsTheDataTimeout() throws Exception {
        // a rename copies the object at 256 MiB/s: 8 s for 2 GiB, four times data-timeout
        twin = TestServers.embedded(tmp.resolve("bucket")).transferFamily(Storage.S3)
                .copyRate(256L * 1024 * 1024).start();
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        FerryConfigDir config = config("s3").property("ferry.targets.transfer.upload-mode", "temp-rename")
                .property("ferry.targets.transfer.data-timeout", "2s")
                .route("upload", outbox, "transfer", "/in");
        Path big = sparse(tmp.resolve("src/big.bin"), 2L * 1024 * 1024 * 1024);
        long started = System.nanoTime();
        try (FerryProcess ferry = FerryProcess.start(config)) {
            // the start-up warning: on S3 the rename is a copy, and a workflow starts on the temporary name
            ferry.awaitLog("upload-mode=temp-rename on ferry.targets.transfer.storage=s3", DELIVERY);
            Files.move(big, outbox.resolve("big.bin"));
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> Files.exists(TestFiles.today(outbox.resolve(".archive")).resolve("big.bin")));
            double seconds = (System.nanoTime() - started) / 1e9;
            Path archived = TestFiles.today(outbox.resolve(".archive")).resolve("big.bin");
            TestFiles.assertSameBytes(archived, tmp.resolve("bucket/in/big.bin"));
            List<StorageEvent> events = twin.storageEvents();
            long stores = twin.commandLog().stream().filter("STOR"::equals).count();
            System.out.printf("TRANSFER FAMILY (twin, S3, upload-mode=temp-rename): 2 GiB delivered in %.1f s, STOR %d,"
                    + " object copies %d (a rename), OnUpload %s, target paused %s%n", seconds, stores,
                    count(events, Kind.OBJECT_COPIED), twin.onUploads(), ferry.log().contains("unavailable"));
            assertEquals(1, stores, "uploads of the 2 GiB file");
            assertEquals(1, count(events, Kind.OBJECT_COPIED));
            // the workflow starts on the temporary name: why storage=s3 uploads directly
            assertEquals(List.of("in/.big.bin.upload.ferry-part"), twin.onUploads());
            assertFalse(ferry.log().contains("unavailable"), "the target was paused:\n" + ferry.log());
        }
    }

    @Test
    void onEfsARenameOverAnExistingFileIsReplacedByDeleteAndRename() throws Exception {
        twin = TestServers.embedded(tmp.resolve("efs")).transferFamily(Storage.EFS).start();
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        FerryConfigDir config = config("file").route("upload", outbox, "transfer", "/in");
        try (FerryProcess ferry = FerryProcess.start(config)) {
            for (String version : List.of("first\n", "second, longer\n")) {
                Files.writeString(tmp.resolve("data.csv"), version, StandardCharsets.UTF_8);
                Files.move(tmp.resolve("data.csv"), outbox.resolve("data.csv"));
                await().atMost(DELIVERY).until(() -> !Files.exists(outbox.resolve("data.csv")));
                assertEquals(version, Files.readString(tmp.resolve("efs/in/data.csv"), StandardCharsets.UTF_8));
            }
            List<String> commands = twin.commandLog();
            System.out.printf("TRANSFER FAMILY (twin, EFS, storage=file): a file sent twice: RNTO %d (one refused over"
                    + " the existing name), DELE %d, the second version in place%n",
                    commands.stream().filter("RNTO"::equals).count(),
                    commands.stream().filter("DELE"::equals).count());
            assertEquals(3, commands.stream().filter("RNTO"::equals).count(), commands.toString());
            assertEquals(1, commands.stream().filter("DELE"::equals).count(), commands.toString());
            try (Stream<Path> left = Files.list(tmp.resolve("efs/in"))) {
                assertEquals(List.of("data.csv"), left.map(p -> p.getFileName().toString()).toList());
            }
        }
    }

    private static long count(List<StorageEvent> events, Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).count();
    }

    /** A file of {@code size} bytes, mostly holes, with real bytes at both ends. */
    private static Path sparse(Path file, long size) throws IOException {
        Files.createDirectories(file.getParent());
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.write("head".getBytes(StandardCharsets.US_ASCII));
            out.setLength(size);
            out.seek(size - 4);
            out.write("tail".getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }
}
