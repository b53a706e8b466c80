package dev.ferry.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.ferry.demo.EmbeddedFtpsServer;
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
 * appears under its final name. Either way the process exits 0 within the timeout. Prints its figures.
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
            assertEquals(0, exit, ferry.log());
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
            assertEquals(0, exit, ferry.log());
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
