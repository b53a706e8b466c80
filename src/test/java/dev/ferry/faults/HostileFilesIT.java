package dev.ferry.faults;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile-files suite: files that vanish before they are stable, symbolic links to directories in recursive routes, a
 * file over 4 GiB. Prints its figures. Files still being written, files that cannot be read, links to files and
 * awkward names are {@link dev.ferry.route.PickupTest}'s (in the test JVM and, as {@code PickupIT}, the packaged jar).
 */
class HostileFilesIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private EmbeddedFtpsServer server;
    private Path outbox;
    private FerryConfigDir config;

    @BeforeEach
    void start() throws Exception {
        server = TestServers.embedded(tmp.resolve("server")).start();
        outbox = Files.createDirectories(tmp.resolve("outbox"));
        config = new FerryConfigDir(tmp.resolve("cfg")).target("transfer", server.port(), "ferry", "secret");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void fileVanishingBeforeItIsStableIsNeverSentAndCausesNoErrorLoop() throws Exception {
        config.route("upload", outbox, "transfer", "/in", "stableFor", "3s");
        try (FerryProcess ferry = FerryProcess.start(config)) {
            ferry.awaitLog("Started upload", DELIVERY);
            Path ghost = TestFiles.random(outbox.resolve("ghost.csv"), 100, 1);
            // seen by several polls (every 0.5 s) while it is younger than stableFor, then gone
            await().atMost(Duration.ofSeconds(3))
                    .until(() -> Files.getLastModifiedTime(ghost).toMillis() < System.currentTimeMillis() - 1500);
            Files.delete(ghost);
            byte[] after = Files.readAllBytes(TestFiles.random(outbox.resolve("after.csv"), 100, 2));
            await().atMost(DELIVERY).until(() -> Files.exists(archive().resolve("after.csv")));
            assertArrayEquals(after, Files.readAllBytes(tmp.resolve("server/in/after.csv")));
            long lines = ferry.log().lines().filter(l -> l.contains("ghost.csv")).count();
            System.out.printf("HOSTILE FILES SUITE: vanished file logged %d time(s)%n", lines);
            assertFalse(Files.exists(tmp.resolve("server/in/ghost.csv")));
            assertEquals(1, server.sessions().stores(), "only the file that stayed was sent");
            assertFalse(ferry.log().contains("ERROR"), ferry.log());
            assertTrue(lines <= 1, ferry.log());
        }
    }

    @Test
    void aFileWithTheLongestNameIsQuarantinedWithItsReportWhenTheServerRefusesIt() throws Exception {
        // 255 bytes, the most the file system takes: <name>.error would be 261
        String name = "n".repeat(251) + ".csv";
        server.readOnly("/locked");
        config.route("upload", outbox, "transfer", "/locked");
        Path file = TestFiles.random(tmp.resolve("staging").resolve(name), 700, 9);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            Files.move(file.getParent().resolve(name), outbox.resolve(name));
            Path failed = outbox.resolve(".failed");
            await().atMost(DELIVERY).until(() -> Files.exists(failed.resolve(name)) || !ferry.isAlive());
            Path report;
            try (var reports = Files.list(failed)) {
                report = reports.filter(p -> p.getFileName().toString().endsWith(".error")).findFirst().orElseThrow();
            }
            System.out.printf("HOSTILE FILES SUITE: a 255-byte name quarantined, report %s (%d bytes of name)%n",
                    report.getFileName(), report.getFileName().toString().length());
            assertFalse(Files.exists(outbox.resolve(name)), "still in the source");
            assertTrue(Files.readString(report).contains("quarantined as: " + name), Files.readString(report));
            assertTrue(Files.readString(report).contains("553"), Files.readString(report));
            assertFalse(ferry.log().contains("File name too long"), ferry.log());
        }
    }

    @Test
    void symbolicLinksToDirectoriesAreNotFollowedInRecursiveRoutes() throws Exception {
        config.route("upload", outbox, "transfer", "/in", "recursive", "true");
        Path outside = TestFiles.random(tmp.resolve("outside/private.csv"), 10, 5);
        Files.createSymbolicLink(outbox.resolve("linked"), outside.getParent());
        Files.createSymbolicLink(outbox.resolve("loop"), outbox);
        TestFiles.random(outbox.resolve("sub/ok.csv"), 10, 6);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            await().atMost(DELIVERY).until(() -> Files.exists(archive().resolve("sub/ok.csv")));
            anotherPollRan("sub/later.csv");
            System.out.printf(
                    "HOSTILE FILES SUITE: directory links not followed: sent %d of 2 files, the outside file still in "
                            + "place %s%n",
                    server.sessions().stores(), Files.exists(outside));
            assertEquals(2, server.sessions().stores(), "files sent through a directory link");
            assertTrue(Files.exists(outside), "a file outside the source was moved");
            assertTrue(ferry.log().contains("linked is a symbolic link: not picked up"), ferry.log());
        }
    }

    @Test
    void fileOverFourGibibytesArrivesWhole() throws Exception {
        config.route("upload", outbox, "transfer", "/in");
        long size = 4L * 1024 * 1024 * 1024 + 7;
        Path big = tmp.resolve("src/huge.img");
        Files.createDirectories(big.getParent());
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            // sparse: a header and a tail of real bytes around 4 GiB of holes
            file.write("HEADER".getBytes());
            file.setLength(size);
            file.seek(size - 5);
            file.write("TAIL!".getBytes());
        }
        AuditLog audit = config.audit();
        try (FerryProcess ferry = FerryProcess.start(config)) {
            long start = System.nanoTime();
            Files.move(big, outbox.resolve("huge.img"));
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> Files.exists(archive().resolve("huge.img")));
            long seconds = (System.nanoTime() - start) / 1_000_000_000;
            Path remote = tmp.resolve("server/in/huge.img");
            System.out.printf("HOSTILE FILES SUITE: %d-byte file delivered in %d s%n", size, seconds);
            assertEquals(size, Files.size(remote));
            assertEquals(-1L, Files.mismatch(archive().resolve("huge.img"), remote));
            // past 4 GiB the size sent and checked is a long everywhere (no int wrap-around on the way)
            var delivered = audit.with("delivered", "huge.img");
            assertEquals(1, delivered.size(), audit.toString());
            assertEquals(size, delivered.get(0).getJsonNumber("size").longValue(), audit.toString());
        } finally {
            Files.deleteIfExists(tmp.resolve("server/in/huge.img"));
        }
    }

    /** Drops a file and waits for its archiving: the route has polled again since, and would have repeated itself. */
    private void anotherPollRan(String name) throws Exception {
        TestFiles.random(outbox.resolve(name), 10, name.hashCode());
        await().atMost(DELIVERY).until(() -> Files.exists(archive().resolve(name)));
    }

    private Path archive() {
        return TestFiles.today(outbox.resolve(".archive"));
    }
}
