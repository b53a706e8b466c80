package dev.ferry.faults;

import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
 * Hostile-files suite: files still being written, files that vanish, files that cannot be read, symbolic links,
 * awkward names, a file over 4 GiB. Prints its figures.
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
    void fileStillBeingAppendedToIsSentWholeOnceStable() throws Exception {
        config.route("upload", outbox, "transfer", "/in", "stableFor", "1s");
        Path growing = outbox.resolve("growing.log");
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try (FerryProcess ferry = FerryProcess.start(config)) {
            ferry.awaitLog("Started upload", DELIVERY);
            byte[] chunk = new byte[64 * 1024];
            writer.scheduleAtFixedRate(() -> {
                try (OutputStream out = Files.newOutputStream(growing, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND)) {
                    out.write(chunk);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
            // growing for about four seconds, through several polls
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.size(growing) >= 20L * chunk.length);
            writer.shutdown();
            assertTrue(writer.awaitTermination(5, TimeUnit.SECONDS));
            long finalSize = Files.size(growing);
            Path archived = archive().resolve("growing.log");
            await().atMost(DELIVERY).until(() -> Files.exists(archived));
            System.out.printf("HOSTILE FILES SUITE: growing file of %d bytes sent %d time(s), remote size %d%n",
                    finalSize,
                    server.sessions().stores(), Files.size(tmp.resolve("server/in/growing.log")));
            assertEquals(finalSize, Files.size(archived));
            TestFiles.assertSameBytes(archived, tmp.resolve("server/in/growing.log"));
            assertEquals(1, server.sessions().stores(), "sent before it was complete");
        } finally {
            writer.shutdownNow();
        }
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
    void unreadableFilesAndSymbolicLinksAreLeftAloneWithOneWarningEach() throws Exception {
        config.route("upload", outbox, "transfer", "/in");
        Path secret = TestFiles.random(outbox.resolve("secret.csv"), 10, 1);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        Path elsewhere = TestFiles.random(tmp.resolve("elsewhere/real.csv"), 10, 2);
        Path link = Files.createSymbolicLink(outbox.resolve("link.csv"), elsewhere);
        TestFiles.random(outbox.resolve("ok.csv"), 10, 3);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            await().atMost(DELIVERY).until(() -> Files.exists(archive().resolve("ok.csv")));
            anotherPollRan("later.csv");
            String log = ferry.log();
            // the warnings; the audit trail (on the console here) has one "skipped" line of its own for each
            List<String> warnings = log.lines().filter(l -> !l.contains("[f.audit]")).toList();
            long secretLines = warnings.stream().filter(l -> l.contains("secret.csv")).count();
            long linkLines = warnings.stream().filter(l -> l.contains("link.csv")).count();
            List<String> skipped = log.lines().filter(l -> l.contains("[f.audit]")
                    && l.contains("\"outcome\":\"skipped\"")).toList();
            assertEquals(2, skipped.size(), log);
            System.out.printf(
                    "HOSTILE FILES SUITE: mode-000 file warned %d time(s), symbolic link warned %d time(s), sent %d "
                            + "of 4%n",
                    secretLines, linkLines, server.sessions().stores());
            assertTrue(log.contains("secret.csv cannot be read (no read permission): not picked up"), log);
            assertTrue(log.contains("link.csv is a symbolic link: not picked up"), log);
            assertEquals(1, secretLines, log);
            assertEquals(1, linkLines, log);
            assertTrue(Files.exists(secret) && Files.isSymbolicLink(link) && Files.exists(elsewhere));
            assertEquals(2, server.sessions().stores(), "ok.csv and later.csv only");
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
    void awkwardNamesAndEmptyFilesArrive() throws Exception {
        config.route("upload", outbox, "transfer", "/in");
        List<String> names = List.of("-rf.csv", "empty.txt", "with  two spaces.txt", "日本語のファイル.csv",
                "n".repeat(251) + ".csv");
        for (int i = 0; i < names.size(); i++) {
            TestFiles.random(tmp.resolve("src").resolve(names.get(i)), names.get(i).equals("empty.txt") ? 0 : 1000 + i,
                    i);
        }
        try (FerryProcess ferry = FerryProcess.start(config)) {
            for (String name : names) {
                Files.copy(tmp.resolve("src").resolve(name), outbox.resolve(name));
            }
            await().atMost(DELIVERY).until(() -> names.stream().allMatch(n -> Files.exists(archive().resolve(n))));
            for (String name : names) {
                TestFiles.assertSameBytes(tmp.resolve("src").resolve(name), tmp.resolve("server/in").resolve(name));
            }
            System.out.printf(
                    "HOSTILE FILES SUITE: %d awkward names (leading dash, empty, 255 bytes, non-ASCII) delivered%n",
                    names.size());
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
