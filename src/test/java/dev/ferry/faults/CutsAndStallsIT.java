package dev.ferry.faults;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.json.JsonObject;

import dev.ferry.testing.FaultyProxy;
import dev.ferry.testing.FaultyProxy.Fault;
import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.Ports;
import dev.ferry.testing.RealFtpServer;
import dev.ferry.testing.RealFtpServer.Kind;
import dev.ferry.testing.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cuts-and-stalls suite: Ferry reaches vsftpd (session reuse required) only through TCP proxies on 127.0.0.3, one for
 * the control port and one per passive port (EPSV sends data connections to the control connection's address). The
 * data proxies drop one connection mid-transfer, or stop forwarding without closing it. Each is detected within the
 * data timeout, the attempt is retried, nothing is lost, and a stalled upload shows as not ready while it lasts.
 * Prints its figures.
 */
class CutsAndStallsIT {

    private static final int DATA_TIMEOUT_SECONDS = 4;

    @TempDir
    Path tmp;

    private RealFtpServer server;
    private final List<FaultyProxy> proxies = new ArrayList<>();
    private final FaultyProxy.Plan plan = new FaultyProxy.Plan();
    private FerryConfigDir config;
    private Path outbox;
    private Path remote;
    private final String remoteDir = "/stall-" + java.util.UUID.randomUUID();

    @BeforeEach
    void start() throws Exception {
        // vsftpd gives up on a silent data connection after 5 s, as a server behind a dead NAT eventually would
        server = RealFtpServer.start(Kind.VSFTPD, tmp.resolve("vsftpd"), "TLSv1.3",
                List.of("data_connection_timeout=5"));
        InetAddress proxyAddress = InetAddress.getByName("127.0.0.3");
        int controlPort = Ports.free();
        proxies.add(new FaultyProxy(proxyAddress, controlPort, new InetSocketAddress("127.0.0.1", server.port()),
                new FaultyProxy.Plan()));
        for (int port = server.passivePorts(); port < server.passivePorts() + RealFtpServer.PASSIVE_PORTS; port++) {
            proxies.add(new FaultyProxy(proxyAddress, port, new InetSocketAddress("127.0.0.1", port), plan));
        }
        outbox = Files.createDirectories(tmp.resolve("outbox"));
        remote = RealFtpServer.HOME.resolve(remoteDir.substring(1));
        config = new FerryConfigDir(tmp.resolve("cfg"))
                .target("transfer", controlPort, RealFtpServer.USER, RealFtpServer.PASSWORD)
                .property("ferry.targets.transfer.host", "127.0.0.3")
                .property("ferry.targets.transfer.data-timeout", DATA_TIMEOUT_SECONDS + "s")
                // the server needs its own data timeout to drop the dead connection before it serves the next one
                .property("ferry.retry.initial-delay", "3s")
                .route("upload", outbox, "transfer", remoteDir);
    }

    @AfterEach
    void stop() throws Exception {
        if (Boolean.getBoolean("ferry.debug")) {
            System.out.println("VSFTPD LOG\n" + server.tlsLog());
        }
        for (FaultyProxy proxy : proxies) {
            proxy.close();
        }
        server.close();
        if (Files.exists(remote)) {
            try (var files = Files.walk(remote)) {
                for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void connectionCutMidTransferIsRetried() throws Exception {
        Path file = TestFiles.random(tmp.resolve("src/cut.bin"), 8L * 1024 * 1024, 1);
        plan.arm(Fault.CUT, 2L * 1024 * 1024);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            Files.copy(file, outbox.resolve("cut.bin"));
            double seconds = detectedAfter(ferry, "/.cut.bin.upload.ferry-part to ");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(archive().resolve("cut.bin")));
            int lost = TestFiles.sameBytes(file, remote.resolve("cut.bin")) ? 0 : 1;
            System.out.printf("CUTS AND STALLS SUITE (cut): detected after %.1f s, completed uploads %d, lost %d%n",
                    seconds, uploads(), lost);
            TestFiles.assertSameBytes(file, remote.resolve("cut.bin"));
            assertEquals(1, uploads(), "completed uploads");
            assertTrue(seconds <= DATA_TIMEOUT_SECONDS + 1, "cut detected after " + seconds + " s");
        }
    }

    @Test
    void stalledConnectionIsCutAfterTheDataTimeoutAndReportedNotReadyMeanwhile() throws Exception {
        Path file = TestFiles.random(tmp.resolve("src/stall.bin"), 32L * 1024 * 1024, 2);
        plan.arm(Fault.STALL, 2L * 1024 * 1024);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            ferry.awaitLog("Listening on", Duration.ofSeconds(30));
            Files.copy(file, outbox.resolve("stall.bin"));
            AtomicReference<String> notReady = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                HttpResponse<String> health = ferry.readiness();
                if (health.statusCode() == 503 && health.body().contains("has made no progress")) {
                    notReady.set(health.body());
                }
                return notReady.get() != null;
            });
            // cut either in the middle of the stream (the write stalls) or, when the socket buffers took all of it,
            // while waiting for the server's final reply: both name the data timeout that cut it
            double seconds = detectedAfter(ferry, DATA_TIMEOUT_SECONDS + " s (ferry.targets.transfer.data-timeout)");
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(archive().resolve("stall.bin")));
            int lost = TestFiles.sameBytes(file, remote.resolve("stall.bin")) ? 0 : 1;
            System.out.printf(
                    "CUTS AND STALLS SUITE (stall): detected after %.1f s (data-timeout %d s), reported not ready "
                            + "meanwhile: %s, "
                            + "completed uploads %d, lost %d%n",
                    seconds, DATA_TIMEOUT_SECONDS, notReady.get() != null, uploads(), lost);
            TestFiles.assertSameBytes(file, remote.resolve("stall.bin"));
            assertTrue(seconds <= DATA_TIMEOUT_SECONDS + 2, "stall detected after " + seconds + " s");
            assertEquals(200, ferry.readiness().statusCode(), "still not ready after the stall was dealt with");
        }
    }

    @Test
    void aPollBlockedBehindAStalledUploadIsReportedStuckByNameUntilItMovesAgain() throws Exception {
        Path file = TestFiles.random(tmp.resolve("src/stall.bin"), 32L * 1024 * 1024, 3);
        plan.arm(Fault.STALL, 2L * 1024 * 1024);
        // a data timeout longer than the stuck-poll limit, itself longer than the retry delays (as start-up demands)
        config.property("ferry.health.poll-stuck-after", "4s").property("ferry.retry.max-delay", "3s")
                .property("ferry.targets.transfer.data-timeout", "10s")
                .property("ferry.targets.transfer.max-connections", "1");
        try (FerryProcess ferry = FerryProcess.start(config)) {
            ferry.awaitLog("Listening on", Duration.ofSeconds(30));
            // moved in together, so that one poll lists them all, the stalled one first (oldest): with one
            // connection next-1 waits in the route's queue and the poll waits to hand over next-2
            Path staged = Files.createDirectories(tmp.resolve("staged"));
            long now = System.currentTimeMillis();
            Files.copy(file, staged.resolve("stall.bin"));
            Files.setLastModifiedTime(staged.resolve("stall.bin"), FileTime.fromMillis(now - 10_000));
            for (String next : List.of("next-1.csv", "next-2.csv", "next-3.csv")) {
                Files.writeString(staged.resolve(next), next + "\n");
                Files.setLastModifiedTime(staged.resolve(next), FileTime.fromMillis(now - 5_000));
            }
            for (String name : List.of("next-1.csv", "next-2.csv", "next-3.csv", "stall.bin")) {
                Files.move(staged.resolve(name), outbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
            AtomicReference<JsonObject> stuck = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonObject polls = ferry.healthChecks("/q/health/ready").get("ferry-polls");
                if ("DOWN".equals(polls.getString("status"))) {
                    stuck.set(polls);
                }
                return stuck.get() != null;
            });
            String upload = stuck.get().getJsonObject("data").getString("upload");
            assertTrue(upload.startsWith("DOWN: the poll that started at "), upload);
            assertTrue(upload.contains("has made no progress for "), upload);
            assertTrue(upload.contains("(ferry.health.poll-stuck-after is 4 s)"), upload);
            assertEquals("UP", ferry.healthChecks("/q/health/live").get("ferry-process").getString("status"));

            // the stall is cut after the data timeout, the file sent again, the other two follow: the poll moves
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> Files.exists(archive().resolve("stall.bin")) && Files.exists(archive().resolve(
                            "next-3.csv")));
            TestFiles.assertSameBytes(file, remote.resolve("stall.bin"));
            await().atMost(Duration.ofSeconds(10)).until(() -> "UP"
                    .equals(ferry.healthChecks("/q/health/ready").get("ferry-polls").getString("status")));
        }
    }

    /** Uploads vsftpd completed. */
    private long uploads() throws Exception {
        return server.tlsLog().lines().filter(l -> l.contains("OK UPLOAD")).count();
    }

    /** Seconds from the fault firing to Ferry's log line that reports it, on the test's clock. */
    private double detectedAfter(FerryProcess ferry, String fragment) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> ferry.log().contains(fragment));
        assertTrue(plan.firedAtNanos() > 0, "the fault never fired");
        return (System.nanoTime() - plan.firedAtNanos()) / 1e9;
    }

    private Path archive() {
        return TestFiles.today(outbox.resolve(".archive"));
    }
}
