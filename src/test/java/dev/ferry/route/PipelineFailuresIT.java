package dev.ferry.route;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.testing.AuditLog;
import dev.ferry.testing.Certificates;
import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.PrometheusText;
import dev.ferry.testing.RealFtpServer;
import dev.ferry.testing.RealFtpServer.Kind;
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

/** What the packaged jar does when the server, the network or the configuration lets it down. */
class PipelineFailuresIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private Path outbox;
    private Path remote;
    private FerryConfigDir config;
    private EmbeddedFtpsServer server;

    @BeforeEach
    void setUp() throws Exception {
        outbox = Files.createDirectories(tmp.resolve("outbox"));
        remote = tmp.resolve("server/in");
        config = new FerryConfigDir(tmp.resolve("cfg"));
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void serverDownAtStartIsWaitedForAndNothingIsArchivedBeforeDelivery() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        config.target("transfer", port, "ferry", "secret").route("upload", outbox, "transfer", "/in");
        List<Path> files = List.of(TestFiles.random(outbox.resolve("a.csv"), 1000, 1),
                TestFiles.random(outbox.resolve("b.bin"), 300_000, 2),
                TestFiles.random(outbox.resolve("c d.txt"), 0, 3));
        List<Path> copies = copies(files);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            await().atMost(DELIVERY)
                    .until(() -> ferry.readinessOf("transfer").startsWith("DOWN: Cannot connect to localhost:" + port));
            await().during(Duration.ofSeconds(19)).atMost(Duration.ofSeconds(21)).pollInterval(Duration.ofMillis(250))
                    .until(() -> archived().isEmpty() && files.stream().allMatch(Files::exists) && failed().isEmpty());
            server = server(port, true);
            await().atMost(DELIVERY).until(() -> archived().size() == files.size());
            for (Path copy : copies) {
                TestFiles.assertSameBytes(copy, remote.resolve(copy.getFileName()));
                TestFiles.assertSameBytes(copy, archiveDir().resolve(copy.getFileName()));
            }
            assertEquals("UP", ferry.readinessOf("transfer"), "still reported down after files went through");
        }
    }

    @Test
    void aFileWaitingForItsNextAttemptHoldsBackNoOtherFile() throws Exception {
        // one connection, one upload thread: the refused file's retry delay must not sleep on it
        Path remoteDir = RealFtpServer.HOME.resolve("held-back-" + UUID.randomUUID());
        try (RealFtpServer vsftpd = RealFtpServer.start(Kind.VSFTPD, tmp.resolve("vsftpd"), "TLSv1.2",
                List.of("deny_file={*refused*}"))) {
            config.target("site", vsftpd.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                    .property("ferry.targets.site.max-connections", "1")
                    .property("ferry.retry.attempts", "3")
                    .property("ferry.retry.initial-delay", "8s")
                    .property("ferry.retry.max-delay", "16s")
                    .route("upload", outbox, "site", remoteDir.getFileName().toString(), "stableFor", "100ms");
            AuditLog audit = config.audit();
            try (FerryProcess ferry = FerryProcess.start(config)) {
                TestFiles.random(outbox.resolve("refused.csv"), 500, 11);
                await().atMost(DELIVERY).until(() -> vsftpd.tlsLog().contains("refused.csv"));
                long refusedAt = System.nanoTime();
                Path good = TestFiles.random(tmp.resolve("staging/good.csv"), 5000, 12);
                Files.move(good.getParent().resolve("good.csv"), outbox.resolve("good.csv"));
                await().atMost(DELIVERY).until(() -> Files.exists(remoteDir.resolve("good.csv"))
                        && audit.with("delivered", "good.csv").size() == 1);
                double after = (System.nanoTime() - refusedAt) / 1e9;
                // the refused file still has its whole schedule: 3 attempts, 8 s then 16 s apart
                await().atMost(DELIVERY).until(() -> audit.with("quarantined", "refused.csv").size() == 1);
                double quarantinedAfter = (System.nanoTime() - refusedAt) / 1e9;
                System.out.printf("PIPELINE FAILURES: with one connection, a file dropped after a refused one "
                        + "delivered %.1f s after the refusal; the refused one quarantined after %.1f s%n", after,
                        quarantinedAfter);
                await().atMost(DELIVERY).until(() -> Files.exists(archiveDir().resolve("good.csv")));
                TestFiles.assertSameBytes(archiveDir().resolve("good.csv"), remoteDir.resolve("good.csv"));
                assertTrue(after < 6, "the good file waited " + after + " s behind the refused one's retry");
                assertEquals(3, audit.with("quarantined", "refused.csv").get(0).getInt("attempts"),
                        audit.toString());
                assertTrue(quarantinedAfter >= 20, "retry schedule shortened: " + quarantinedAfter + " s");
            }
        } finally {
            TestFiles.deleteTree(remoteDir);
        }
    }

    @Test
    void aSlowConfirmationWaitsInProportionToTheFileAndThenSpendsAnAttemptWithoutPausingTheTarget() throws Exception {
        server = server(0, true);
        // every rename is answered 4 s late, twice data-timeout: a server copying the object as S3 does
        server.delayRenames(Duration.ofSeconds(4));
        config.target("transfer", server.port(), "ferry", "secret")
                .property("ferry.targets.transfer.data-timeout", "2s")
                .property("ferry.targets.transfer.confirm-time-per-gib", "300s")
                .property("ferry.targets.transfer.max-connections", "1")
                .route("upload", outbox, "transfer", "/in", "stableFor", "100ms");
        AuditLog audit = config.audit();
        try (FerryProcess ferry = FerryProcess.start(config)) {
            // 32 MiB: 2 s + 300 s x 1/32 = 11.4 s for its confirmations, more than the 4 s the server takes
            Path large = TestFiles.random(tmp.resolve("staging/large.bin"), 32L << 20, 21);
            Files.move(large, outbox.resolve("large.bin"));
            await().atMost(DELIVERY).until(() -> audit.with("delivered", "large.bin").size() == 1);
            assertEquals(1, audit.with("delivered", "large.bin").get(0).getInt("attempts"), audit.toString());

            // 1,000 bytes: 2 s, less than the 4 s: the attempt fails, the file's own, and the target stays open
            Path small = TestFiles.random(tmp.resolve("staging/small.csv"), 1000, 22);
            Files.move(small, outbox.resolve("small.csv"));
            await().atMost(DELIVERY).until(() -> audit.with("retried", "small.csv").size() >= 1);
            server.delayRenames(Duration.ZERO);
            await().atMost(DELIVERY).until(() -> audit.with("delivered", "small.csv").size() == 1);
            var metrics = ferry.get("/q/metrics").body();
            String tags = "route=\"upload\",target=\"transfer\"";
            double fileFailures = PrometheusText.value(metrics, "ferry_upload_failures_total", tags + ",kind=\"file\"");
            double targetFailures = PrometheusText.value(metrics, "ferry_upload_failures_total",
                    tags + ",kind=\"target\"");
            System.out.printf("PIPELINE FAILURES: renames answered 4 s late (data-timeout 2 s): 32 MiB delivered on "
                    + "attempt %d, 1,000 bytes on attempt %d; failures of the file %.0f, of the target %.0f%n",
                    audit.with("delivered", "large.bin").get(0).getInt("attempts"),
                    audit.with("delivered", "small.csv").get(0).getInt("attempts"), fileFailures, targetFailures);
            assertTrue(audit.with("delivered", "small.csv").get(0).getInt("attempts") >= 2, audit.toString());
            assertTrue(audit.with("retried", "small.csv").get(0).getString("reason").contains("did not confirm"),
                    audit.toString());
            assertEquals(0, targetFailures, "the target was paused for a slow server: " + metrics);
            assertTrue(fileFailures >= 1, metrics);
            TestFiles.assertSameBytes(archiveDir().resolve("large.bin"), remote.resolve("large.bin"));
            TestFiles.assertSameBytes(archiveDir().resolve("small.csv"), remote.resolve("small.csv"));
        }
    }

    @Test
    void anIdleTargetThatGoesAwayIsReportedDownAndUpAgainWithoutALogin() throws Exception {
        server = server(0, true);
        int port = server.port();
        config.target("transfer", port, "ferry", "secret")
                .property("ferry.targets.transfer.idle-check", "2s")
                .property("ferry.targets.transfer.connect-timeout", "2s")
                .property("ferry.targets.transfer.data-timeout", "5s")
                .route("upload", outbox, "transfer", "/in", "stableFor", "100ms");
        try (FerryProcess ferry = FerryProcess.start(config)) {
            TestFiles.random(outbox.resolve("first.csv"), 1000, 31);
            await().atMost(DELIVERY).until(() -> Files.exists(archiveDir().resolve("first.csv")));
            assertEquals("UP", ferry.readinessOf("transfer"));

            // the server and every session of it gone, and no file to send: the idle check finds out
            server.close();
            long goneAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> ferry.readinessOf("transfer").startsWith("DOWN"));
            double down = (System.nanoTime() - goneAt) / 1e9;

            server = server(port, true);
            long backAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> ferry.readinessOf("transfer").equals("UP"));
            double up = (System.nanoTime() - backAt) / 1e9;
            int loginsWhileIdle = server.sessions().logins();
            System.out.printf("PIPELINE FAILURES: idle target (idle-check 2 s) reported DOWN %.1f s after it went "
                    + "away, UP %.1f s after it came back, logins meanwhile %d%n", down, up, loginsWhileIdle);
            assertEquals(0, loginsWhileIdle, "the idle check logged in");
            assertTrue(down <= 2 * 2 + 5, "DOWN after " + down + " s");
            assertTrue(up <= 2 * 2 + 5, "UP after " + up + " s");

            TestFiles.random(outbox.resolve("second.csv"), 1000, 32);
            await().atMost(DELIVERY).until(() -> Files.exists(archiveDir().resolve("second.csv")));
            TestFiles.assertSameBytes(archiveDir().resolve("second.csv"), remote.resolve("second.csv"));
        }
    }

    @Test
    void unwritableRemoteDirectoryQuarantinesTheFileWithTheReplyAndOtherFilesKeepFlowing() throws Exception {
        server = server(0, true);
        server.readOnly("/locked");
        Path other = Files.createDirectories(tmp.resolve("other"));
        config.target("transfer", server.port(), "ferry", "secret")
                .route("upload-locked", outbox, "transfer", "/locked")
                .route("upload-open", other, "transfer", "/in");
        AuditLog audit = config.audit();
        try (FerryProcess ferry = FerryProcess.start(config)) {
            Path first = copy(TestFiles.random(tmp.resolve("src/first.csv"), 2048, 7), outbox);
            Path meanwhile = copy(TestFiles.random(tmp.resolve("src/meanwhile.csv"), 4096, 8), other);

            Path quarantined = outbox.resolve(".failed/first.csv");
            await().atMost(DELIVERY).until(() -> Files.exists(quarantined.resolveSibling("first.csv.error")));
            TestFiles.assertSameBytes(tmp.resolve("src/first.csv"), quarantined);
            String error = Files.readString(quarantined.resolveSibling("first.csv.error"));
            assertTrue(error.contains("attempts: 3"), error);
            assertTrue(error.contains("553 Could not create file."), error);
            assertTrue(error.contains("target: transfer (localhost:" + server.port() + "), remote directory /locked"),
                    error);
            assertFalse(Files.exists(outbox.resolve("first.csv")));
            TestFiles.assertSameBytes(tmp.resolve("src/meanwhile.csv"), remote.resolve("meanwhile.csv"));

            server.readOnly();
            Path next = copy(TestFiles.random(tmp.resolve("src/next.csv"), 1024, 9), outbox);
            await().atMost(DELIVERY).until(() -> Files.exists(archiveDir().resolve("next.csv")));
            TestFiles.assertSameBytes(tmp.resolve("src/next.csv"), tmp.resolve("server/locked/next.csv"));
            assertFalse(Files.exists(next));
            var gaveUp = audit.with("quarantined", "first.csv");
            assertEquals(1, gaveUp.size(), audit.toString());
            assertEquals(3, gaveUp.get(0).getInt("attempts"), audit.toString());
            assertEquals(2, audit.with("retried", "first.csv").size(), audit.toString());
        }
    }

    @Test
    void refusedDataConnectionIsExplainedAndAfterTheDroppedControlConnectionFerryGoesOn() throws Exception {
        server = server(0, true);
        config.target("transfer", server.port(), "ferry", "secret").route("upload", outbox, "transfer", "/in");
        // as vsftpd does after a data connection without reuse: 522, then the control connection is closed
        server.sessions().refuseNext(1, true);
        Path file = TestFiles.random(tmp.resolve("src/refused.csv"), 70_000, 21);
        AuditLog audit = config.audit();
        try (FerryProcess ferry = FerryProcess.start(config)) {
            copy(file, outbox);
            await().atMost(DELIVERY).until(() -> Files.exists(archiveDir().resolve("refused.csv")));
            TestFiles.assertSameBytes(file, remote.resolve("refused.csv"));
            String log = ferry.log();
            assertTrue(log.contains("522 Data connection must use cached TLS session"), log);
            assertTrue(log.contains("requires every data connection to resume the control connection's TLS session"),
                    log);
            assertTrue(log.contains("offered to resume its TLSv1.3 session"), log);
            assertTrue(failed().isEmpty());
            assertEquals(2, server.sessions().stores(), "one refused upload, one that went through");
            // a refused data connection is the target's problem: the file waited, its attempts unspent
            assertEquals(List.of(), audit.with("retried"), audit.toString());
            assertEquals(1, audit.with("delivered", "refused.csv").get(0).getInt("attempts"), audit.toString());
        }
    }

    @Test
    void restartSendsNothingAgainButAChangedFileWithTheSameNameIsSent() throws Exception {
        server = server(0, true);
        // the crash window: delivered and recorded, not yet archived (here: the archive directory cannot be created)
        Path blocker = Files.writeString(tmp.resolve("archive"), "a file where the archive directory should be");
        Path archive = TestFiles.today(blocker);
        config.target("transfer", server.port(), "ferry", "secret").route("upload", outbox, "transfer", "/in",
                "archive", blocker.toString());
        AuditLog audit = config.audit();
        Path original = TestFiles.random(tmp.resolve("src/daily.csv"), 10_000, 11);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            copy(original, outbox);
            // delivered (and recorded), then the archive move fails
            await().atMost(DELIVERY).ignoreExceptions().until(() -> audit.with("delivered", "daily.csv").size() == 1
                    && Files.readAllLines(outbox.resolve(".ferry/delivered")).size() == 1);
            assertEquals(FerryProcess.SIGTERM_EXIT, ferry.stop(), "exit code after SIGTERM");
        }
        assertEquals(1, server.sessions().stores());
        Files.delete(blocker);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            await().atMost(DELIVERY).until(() -> Files.exists(archive.resolve("daily.csv")));
            assertEquals(1, server.sessions().stores(), "the delivered file was sent again");
            var skipped = audit.with("skipped", "daily.csv");
            assertEquals(1, skipped.size(), "not reported as archived without sending: " + audit);
            assertTrue(skipped.get(0).getString("reason").contains("archived without sending it again"),
                    audit.toString());
            assertEquals(1, audit.with("delivered", "daily.csv").size(), audit.toString());

            Path changed = TestFiles.random(tmp.resolve("src/changed/daily.csv"), 12_345, 12);
            copy(changed, outbox);
            await().atMost(DELIVERY).until(() -> Files.exists(archive.resolve("daily.1.csv")));
            assertEquals(2, server.sessions().stores());
            TestFiles.assertSameBytes(changed, remote.resolve("daily.csv"));
            TestFiles.assertSameBytes(original, archive.resolve("daily.csv"));
            TestFiles.assertSameBytes(changed, archive.resolve("daily.1.csv"));
        }
    }

    @Test
    void wrongPasswordIsReportedAndDoesNotHammerTheServer() throws Exception {
        server = server(0, true);
        config.target("transfer", server.port(), "ferry", "not-the-password").route("upload", outbox, "transfer",
                "/in");
        for (int i = 0; i < 5; i++) {
            TestFiles.random(outbox.resolve("file-" + i + ".txt"), 100, i);
        }
        try (FerryProcess ferry = FerryProcess.start(config)) {
            ferry.awaitLog("refused: 530", DELIVERY);
            assertTrue(ferry.log().contains(
                    "Check ferry.targets.transfer.username and the password in ferry.targets.transfer.password-file"),
                    ferry.log());
            assertFalse(ferry.log().contains("not-the-password"), "the password was logged");
            await().during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(16))
                    .until(() -> server.sessions().logins() <= 2 && failed().isEmpty());
            try (Stream<Path> waiting = Files.list(outbox)) {
                assertEquals(5, waiting.filter(Files::isRegularFile).count(), "files must wait in the outbox");
            }
            HttpResponse<String> health = ferry.readiness();
            assertEquals(503, health.statusCode(), health.body());
            assertTrue(health.body().contains("530"), health.body());
        }
    }

    @Test
    void untrustedCertificateIsRefusedWithAdviceAndTheFileWaits() throws Exception {
        server = server(0, true);
        config.target("transfer", server.port(), "ferry", "secret")
                .property("ferry.targets.transfer.trust-store", Certificates.otherCa().caPem().toString())
                .route("upload", outbox, "transfer", "/in");
        Path file = TestFiles.random(outbox.resolve("x.txt"), 10, 1);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            ferry.awaitLog("not trusted: set ferry.targets.transfer.trust-store to a PEM file", DELIVERY);
            assertTrue(Files.exists(file));
            assertTrue(failed().isEmpty());
            assertEquals(0, server.sessions().logins(), "a password was sent to an untrusted server");
        }
    }

    private EmbeddedFtpsServer server(int port, boolean requireReuse) throws Exception {
        return TestServers.embedded(tmp.resolve("server")).port(port).requireSessionReuse(requireReuse).start();
    }

    private Path archiveDir() {
        return TestFiles.today(outbox.resolve(".archive"));
    }

    private List<Path> archived() throws Exception {
        return list(archiveDir());
    }

    private List<Path> failed() throws Exception {
        return list(outbox.resolve(".failed"));
    }

    private static List<Path> list(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private List<Path> copies(List<Path> files) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("copies"));
        return files.stream().map(f -> {
            try {
                return Files.copy(f, dir.resolve(f.getFileName()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static Path copy(Path file, Path dir) throws Exception {
        return Files.copy(file, dir.resolve(file.getFileName()));
    }
}
