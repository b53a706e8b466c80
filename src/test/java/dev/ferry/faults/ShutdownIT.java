package dev.ferry.faults;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.testing.AuditLog;
import dev.ferry.testing.FaultyProxy;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graceful-shutdown suite: SIGTERM in the middle of a 200 MiB upload (the server takes 25 MiB/s). Within the stop
 * timeout the upload finishes and the file is archived; past it the file stays in the source and no partial file
 * appears under its final name, and a rename whose reply had not come is neither recorded nor archived. Either way the
 * process exits 0 within the timeout. Prints its figures.
 */
class ShutdownIT {

    private static final long SIZE = 200L * 1024 * 1024;

    @TempDir
    Path tmp;

    private EmbeddedFtpsServer server;
    private Path outbox;
    private Path original;

    @BeforeEach
    void start() throws Exception {
        server = TestServers.embedded(tmp.resolve("server")).uploadRate(25 * 1024 * 1024).start();
        outbox = Files.createDirectories(tmp.resolve("outbox"));
        original = TestFiles.random(tmp.resolve("src/big.bin"), SIZE, 200);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void uploadUnderWayFinishesWithinTheStopTimeout() throws Exception {
        try (FerryProcess ferry = startUploadWithStopTimeout(30)) {
            long start = System.nanoTime();
            int exit = ferry.stop();
            long seconds = (System.nanoTime() - start) / 1_000_000_000;
            Path archived = TestFiles.today(outbox.resolve(".archive")).resolve("big.bin");
            System.out.printf("SHUTDOWN SUITE (timeout 30 s): exit %d after %d s, delivered %s, archived %s%n", exit,
                    seconds,
                    TestFiles.sameBytes(original, tmp.resolve("server/in/big.bin")), Files.exists(archived));
            assertEquals(FerryProcess.SIGTERM_EXIT, exit, ferry.log());
            assertTrue(seconds <= 30, "stopped after " + seconds + " s");
            TestFiles.assertSameBytes(original, tmp.resolve("server/in/big.bin"));
            TestFiles.assertSameBytes(original, archived);
        }
    }

    @Test
    void uploadCutByTheStopTimeoutLeavesTheFileInItsSourceAndNothingUnderItsFinalName() throws Exception {
        try (FerryProcess ferry = startUploadWithStopTimeout(2)) {
            long start = System.nanoTime();
            int exit = ferry.stop();
            long seconds = (System.nanoTime() - start) / 1_000_000_000;
            System.out.printf("SHUTDOWN SUITE (timeout 2 s): exit %d after %d s, in source %s, under final name %s%n",
                    exit, seconds,
                    Files.exists(outbox.resolve("big.bin")), Files.exists(tmp.resolve("server/in/big.bin")));
            assertEquals(FerryProcess.SIGTERM_EXIT, exit, ferry.log());
            assertTrue(seconds <= 10, "stopped after " + seconds + " s");
            TestFiles.assertSameBytes(original, outbox.resolve("big.bin"));
            assertFalse(Files.exists(tmp.resolve("server/in/big.bin")), "a partial file under its final name");
        }
        // and the next start delivers it
        FerryConfigDir again = new FerryConfigDir(tmp.resolve("cfg2"))
                .target("transfer", server.port(), "ferry", "secret")
                .route("upload", outbox, "transfer", "/in");
        try (FerryProcess ferry = FerryProcess.start(again)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(outbox.resolve("big.bin")));
            TestFiles.assertSameBytes(original, tmp.resolve("server/in/big.bin"));
        }
    }

    @Test
    void aRenameStillWaitingForItsReplyAtTheStopTimeoutIsNeitherRecordedNorArchived() throws Exception {
        // the server holds the RNTO: past the stop timeout Camel stops the producer from another thread while the
        // route thread waits for that reply. Without a rename reply the file must be neither recorded nor archived.
        // (That only the sending thread reads a reply, so QUIT's 221 can never pass for it, is FtpsClientTest's
        // foreign-thread logout case: the order of two threads on one socket cannot be forced from out here.)
        server.holdRenames(true);
        Path small = TestFiles.random(tmp.resolve("src/small.csv"), 10_000, 201);
        FerryConfigDir config = new FerryConfigDir(tmp.resolve("cfg"))
                .target("transfer", server.port(), "ferry", "secret")
                .property("camel.main.shutdown-timeout", "2")
                .route("upload", outbox, "transfer", "/in");
        AuditLog audit = config.audit();
        try (FerryProcess ferry = FerryProcess.start(config)) {
            Files.copy(small, outbox.resolve("small.csv"));
            await().atMost(Duration.ofSeconds(30)).until(() -> server.renamesHeld() == 1);
            long start = System.nanoTime();
            int exit = ferry.stop();
            long seconds = (System.nanoTime() - start) / 1_000_000_000;
            Path record = outbox.resolve(".ferry/delivered");
            long recorded = Files.exists(record)
                    ? Files.readAllLines(record).stream().filter(l -> !l.isBlank()).count()
                    : 0;
            System.out.printf("SHUTDOWN SUITE (rename unanswered at the timeout): exit %d after %d s, in source %s, "
                    + "recorded %d, archived %s, audited as delivered %d%n", exit, seconds,
                    Files.exists(outbox.resolve("small.csv")), recorded,
                    Files.exists(TestFiles.today(outbox.resolve(".archive")).resolve("small.csv")),
                    audit.with("delivered").size());
            assertEquals(FerryProcess.SIGTERM_EXIT, exit, ferry.log());
            assertTrue(seconds <= 10, "stopped after " + seconds + " s");
            TestFiles.assertSameBytes(small, outbox.resolve("small.csv"));
            assertEquals(0, recorded, "recorded as delivered on a reply that was not its rename's");
            assertFalse(Files.exists(outbox.resolve(".archive")), "archived on a reply that was not its rename's");
            assertEquals(List.of(), audit.with("delivered"), audit.toString());
        } finally {
            server.holdRenames(false);
        }
        // and the next start delivers it
        try (FerryProcess ferry = FerryProcess.start(config)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(outbox.resolve("small.csv")));
            TestFiles.assertSameBytes(small, tmp.resolve("server/in/small.csv"));
            TestFiles.assertSameBytes(small, TestFiles.today(outbox.resolve(".archive")).resolve("small.csv"));
        }
    }

    @Test
    void aServerThatStoppedAnsweringDoesNotHoldUpTheStopOnePerConnection() throws Exception {
        // every connection's QUIT waits for a reply that never comes: the stop must not add them up
        try (FaultyProxy proxy = new FaultyProxy(InetAddress.getLoopbackAddress(), 0,
                new InetSocketAddress("127.0.0.1", server.port()), new FaultyProxy.Plan())) {
            FerryConfigDir config = new FerryConfigDir(tmp.resolve("cfg"))
                    .target("transfer", proxy.port(), "ferry", "secret")
                    .property("ferry.targets.transfer.data-timeout", "10s")
                    .property("ferry.targets.transfer.max-connections", "4")
                    .property("camel.main.shutdown-timeout", "5")
                    .route("upload", outbox, "transfer", "/in", "stableFor", "100ms");
            try (FerryProcess ferry = FerryProcess.start(config)) {
                Path staging = Files.createDirectories(tmp.resolve("staging"));
                for (int i = 0; i < 40; i++) {
                    TestFiles.random(staging.resolve("f" + i + ".csv"), 200_000, 300 + i);
                }
                for (int i = 0; i < 40; i++) {
                    Files.move(staging.resolve("f" + i + ".csv"), outbox.resolve("f" + i + ".csv"));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    try (var left = Files.list(outbox)) {
                        return left.noneMatch(p -> p.getFileName().toString().endsWith(".csv"));
                    }
                });
                int connections = proxy.connections();
                proxy.freeze();
                long start = System.nanoTime();
                int exit = ferry.stop();
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("SHUTDOWN SUITE (server stopped answering, %d connections, data-timeout 10 s, "
                        + "stop timeout 5 s): exit %d after %.1f s%n", connections, exit, seconds);
                assertTrue(connections >= 3, "only " + connections + " connection(s) opened");
                assertEquals(FerryProcess.SIGTERM_EXIT, exit, ferry.log());
                // one after the other, the QUITs alone would take 2 s each
                assertTrue(seconds < 6, "stopped after " + seconds + " s");
            }
        }
    }

    @Test
    void aFileWaitingForItsNextAttemptStaysInItsSourceAndTheStopDoesNotWaitForIt() throws Exception {
        server.readOnly("/locked");
        FerryConfigDir config = new FerryConfigDir(tmp.resolve("cfg"))
                .target("transfer", server.port(), "ferry", "secret")
                .property("ferry.retry.initial-delay", "60s")
                .property("ferry.retry.max-delay", "120s")
                .property("camel.main.shutdown-timeout", "10")
                .route("upload", outbox, "transfer", "/locked", "stableFor", "100ms");
        AuditLog audit = config.audit();
        Path file = TestFiles.random(tmp.resolve("src/waiting.csv"), 500, 202);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            Files.copy(file, outbox.resolve("waiting.csv"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> server.storeOrder().stream().anyMatch(name -> name.contains("waiting.csv")));
            long start = System.nanoTime();
            int exit = ferry.stop();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("SHUTDOWN SUITE (a file waiting 60 s for its next attempt, stop timeout 10 s): exit %d "
                    + "after %.1f s, in source %s%n", exit, seconds, Files.exists(outbox.resolve("waiting.csv")));
            assertEquals(FerryProcess.SIGTERM_EXIT, exit, ferry.log());
            assertTrue(seconds < 5, "stopped after " + seconds + " s: the stop waited for the retry");
            TestFiles.assertSameBytes(file, outbox.resolve("waiting.csv"));
            assertEquals(List.of(), audit.with("quarantined"), audit.toString());
        }
    }

    /** Starts Ferry with the given stop timeout and returns once the 200 MiB upload is well under way. */
    private FerryProcess startUploadWithStopTimeout(int seconds) throws Exception {
        FerryConfigDir config = new FerryConfigDir(tmp.resolve("cfg"))
                .target("transfer", server.port(), "ferry", "secret")
                .property("camel.main.shutdown-timeout", String.valueOf(seconds))
                .route("upload", outbox, "transfer", "/in");
        FerryProcess ferry = FerryProcess.start(config);
        try {
            Files.copy(original, outbox.resolve("big.bin"));
            Path partial = tmp.resolve("server/in/.big.bin.upload.ferry-part");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(partial) && Files.size(partial) > 10 * 1024 * 1024);
        } catch (Exception | Error e) {
            ferry.close();
            throw e;
        }
        return ferry;
    }
}
