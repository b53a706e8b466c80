package dev.ferry.outcome;

import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import dev.ferry.testing.AuditLog;
import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.PrometheusText;
import dev.ferry.testing.RealFtpServer;
import dev.ferry.testing.RealFtpServer.Kind;
import dev.ferry.testing.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator watches, from the packaged jar against the real vsftpd that requires TLS session reuse: the
 * {@code ferry_*} metrics at {@code /q/metrics}, the audit trail's JSON lines (in a file of their own, as the installed
 * configuration has it), the summary line, and the health checks by name.
 */
class OutcomesIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @TempDir
    static Path shared;

    private static RealFtpServer vsftpd;

    @TempDir
    Path tmp;

    /** Where a test's files land: in the FTP user's home, which no JUnit temporary directory covers. */
    private final Path landed = RealFtpServer.HOME.resolve("outcomes-" + UUID.randomUUID());
    private FerryConfigDir config;
    private Path outbox;
    private AuditLog audit;

    @BeforeAll
    static void startServer() throws Exception {
        vsftpd = RealFtpServer.start(Kind.VSFTPD, shared.resolve("vsftpd"), "TLSv1.3");
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        vsftpd.close();
    }

    @BeforeEach
    void configure() throws Exception {
        outbox = Files.createDirectories(tmp.resolve("outbox"));
        config = new FerryConfigDir(tmp.resolve("cfg")).property("ferry.log.summary-interval", "1s");
        audit = config.audit();
    }

    @AfterEach
    void removeWhatLanded() throws IOException {
        TestFiles.deleteTree(landed);
    }

    @Test
    void deliveredFilesAreCountedAndAuditedWithTheHashOfTheBytesSent() throws Exception {
        String remoteDir = landed.getFileName().toString();
        config.target("transfer", vsftpd.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                // one connection: it is opened for the first file and held, idle, for the next
                .property("ferry.targets.transfer.max-connections", "1")
                .route("upload", outbox, "transfer", remoteDir);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            ferry.awaitLog("Listening on", Duration.ofSeconds(30));
            Path a = TestFiles.random(tmp.resolve("src/a.csv"), 70_000, 1);
            Path b = TestFiles.random(tmp.resolve("src/b b.bin"), 1_234_567, 2);
            Files.copy(a, outbox.resolve("a.csv"));
            Files.copy(b, outbox.resolve("b b.bin"));
            await().atMost(DELIVERY).ignoreExceptions().until(() -> audit.lines().size() == 2);

            for (Path sent : List.of(a, b)) {
                String name = sent.getFileName().toString();
                TestFiles.assertSameBytes(sent, landed.resolve(name));
                JsonObject line = audit.lines().stream()
                        .filter(l -> l.getString("remotePath", "").endsWith("/" + name)).findFirst()
                        .orElseThrow(() -> new AssertionError(name + " not in the audit trail: " + audit.toString()));
                assertEquals("delivered", line.getString("outcome"), line.toString());
                assertEquals("upload", line.getString("route"));
                assertEquals("transfer", line.getString("target"));
                assertEquals(outbox.resolve(name).toString(), line.getString("localPath"));
                assertEquals(remoteDir + "/" + name, line.getString("remotePath"));
                assertEquals(Files.size(sent), line.getJsonNumber("size").longValue());
                assertEquals(sha256(sent), line.getString("sha256"), "SHA-256 of " + name);
                assertEquals(1, line.getInt("attempts"));
                assertEquals("TLSv1.3", line.getString("tlsVersion"));
                assertTrue(line.getBoolean("resumed"), line.toString());
                assertTrue(line.getString("lastReply").matches("2\\d\\d .*"), line.toString());
                assertTrue(line.getJsonNumber("durationMs").longValue() < DELIVERY.toMillis(), line.toString());
                assertTrue(line.getString("time").matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), line.toString());
            }

            String metrics = metrics(ferry);
            String tags = "route=\"upload\",target=\"transfer\"";
            assertEquals(2, PrometheusText.value(metrics, "ferry_files_delivered_total", tags), metrics);
            assertEquals(70_000 + 1_234_567, PrometheusText.value(metrics, "ferry_delivered_bytes_total", tags),
                    metrics);
            assertEquals(2, PrometheusText.value(metrics, "ferry_upload_duration_seconds_count", tags), metrics);
            assertEquals(2,
                    PrometheusText.value(metrics, "ferry_tls_data_connections_total", "resumed=\"true\"," + tags),
                    metrics);
            assertEquals(0,
                    PrometheusText.value(metrics, "ferry_tls_data_connections_total", "resumed=\"false\"," + tags),
                    metrics);
            assertEquals(0, PrometheusText.value(metrics, "ferry_upload_failures_total", "kind=\"file\"," + tags),
                    metrics);
            assertEquals(0, PrometheusText.value(metrics, "ferry_files_quarantined_total", tags), metrics);
            assertEquals(1, PrometheusText.value(metrics, "ferry_connections_open", "target=\"transfer\""), metrics);
            // archived by now: nothing waits
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> PrometheusText.value(metrics(ferry), "ferry_files_waiting", tags) == 0);

            // the summary lines add up to what was delivered, and once the files are archived, none waits
            await().atMost(Duration.ofSeconds(15)).until(() -> ferry.log().contains("skipped; none waiting"));
            Matcher summary = Pattern
                    .compile("Route upload -> transfer, last 1 s: (\\d+) delivered \\(([0-9,]+) bytes\\),"
                            + " 0 retried, 0 quarantined, 0 skipped; ")
                    .matcher(ferry.log());
            long files = 0;
            long bytes = 0;
            while (summary.find()) {
                files += Long.parseLong(summary.group(1));
                bytes += Long.parseLong(summary.group(2).replace(",", ""));
            }
            assertEquals(2, files, ferry.log());
            assertEquals(70_000 + 1_234_567, bytes, ferry.log());
            // the audit lines went to their own file only, not also to the console
            assertTrue(!ferry.log().contains("\"outcome\":\"delivered\""), ferry.log());
        }
    }

    @Test
    void aRefusedFileIsRetriedThenQuarantinedAndEachStepIsAuditedWithTheServersReply() throws Exception {
        // a directory the FTP user may not write in: vsftpd refuses every STOR into it
        Path locked = Files.createDirectories(landed);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        config.target("transfer", vsftpd.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                .property("ferry.retry.attempts", "2")
                .property("ferry.retry.initial-delay", "200ms")
                .route("upload", outbox, "transfer", locked.getFileName().toString());
        try (FerryProcess ferry = FerryProcess.start(config)) {
            ferry.awaitLog("Listening on", Duration.ofSeconds(30));
            Files.writeString(outbox.resolve("refused.csv"), "a,b\n1,2\n", StandardCharsets.UTF_8);
            await().atMost(DELIVERY).ignoreExceptions().until(() -> audit.lines().size() == 2);

            System.out.println("AUDIT TRAIL of a refused file:\n" + audit.toString());
            JsonObject retried = audit.lines().get(0);
            JsonObject quarantined = audit.lines().get(1);
            assertEquals("retried", retried.getString("outcome"), retried.toString());
            assertEquals(1, retried.getInt("attempts"), retried.toString());
            assertTrue(retried.getString("lastReply").startsWith("553 "), retried.toString());
            assertEquals("quarantined", quarantined.getString("outcome"), quarantined.toString());
            assertEquals(2, quarantined.getInt("attempts"), quarantined.toString());
            assertTrue(quarantined.getString("lastReply").startsWith("553 "), quarantined.toString());
            assertTrue(quarantined.getString("reason").contains("moved to " + outbox.resolve(".failed")),
                    quarantined.toString());
            assertEquals(8, quarantined.getJsonNumber("size").longValue());
            assertTrue(Files.exists(outbox.resolve(".failed/refused.csv")));

            String metrics = metrics(ferry);
            String tags = "route=\"upload\",target=\"transfer\"";
            assertEquals(1, PrometheusText.value(metrics, "ferry_upload_retries_total", tags), metrics);
            assertEquals(2, PrometheusText.value(metrics, "ferry_upload_failures_total", "kind=\"file\"," + tags),
                    metrics);
            assertEquals(1, PrometheusText.value(metrics, "ferry_files_quarantined_total", tags), metrics);
            assertEquals(0, PrometheusText.value(metrics, "ferry_files_delivered_total", tags), metrics);
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void whileTheTargetIsDownFilesAreShownWaitingAndOnlyReadinessIsDown() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        config.target("transfer", port, RealFtpServer.USER, RealFtpServer.PASSWORD)
                // JSON on the console, as for CloudWatch Logs
                .property("quarkus.log.console.json.enabled", "true")
                .route("upload", outbox, "transfer", "in");
        for (int i = 0; i < 3; i++) {
            Files.writeString(outbox.resolve("waiting-" + i + ".csv"), "row " + i + "\n", StandardCharsets.UTF_8);
        }
        Files.setLastModifiedTime(outbox.resolve("waiting-0.csv"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        try (FerryProcess ferry = FerryProcess.start(config)) {
            await().atMost(DELIVERY).until(() -> String.valueOf(ferry.healthChecks("/q/health/ready")
                    .get("ferry-targets")).contains("DOWN: Cannot connect to localhost:" + port));
            Map<String, JsonObject> ready = ferry.healthChecks("/q/health/ready");
            assertEquals("DOWN", ready.get("ferry-targets").getString("status"), ready.toString());
            assertEquals("UP", ready.get("ferry-polls").getString("status"), ready.toString());
            assertEquals("UP", ready.get("ferry-polls").getJsonObject("data").getString("upload"), ready.toString());
            Map<String, JsonObject> live = ferry.healthChecks("/q/health/live");
            assertEquals("UP", live.get("ferry-process").getString("status"), live.toString());
            assertEquals("Started", live.get("ferry-process").getJsonObject("data").getString("camel"),
                    live.toString());

            String metrics = metrics(ferry);
            String tags = "route=\"upload\",target=\"transfer\"";
            assertEquals(3, PrometheusText.value(metrics, "ferry_files_waiting", tags), metrics);
            double oldest = PrometheusText.value(metrics, "ferry_files_waiting_oldest_age_seconds", tags);
            assertTrue(oldest >= 3_600 && oldest < 3_700, metrics);
            assertTrue(PrometheusText.value(metrics, "ferry_upload_failures_total", "kind=\"target\"," + tags) >= 1,
                    metrics);
            assertEquals(0, PrometheusText.value(metrics, "ferry_upload_failures_total", "kind=\"file\"," + tags),
                    metrics);
            assertEquals(0, PrometheusText.value(metrics, "ferry_files_quarantined_total", tags), metrics);

            // the console is JSON, one object per line, and the summary says what waits
            ferry.awaitLog("3 waiting, the oldest for 36", Duration.ofSeconds(10));
            String summary = ferry.log().lines().filter(l -> l.contains("3 waiting, the oldest for")).findFirst()
                    .orElseThrow();
            try (JsonReader reader = Json.createReader(new StringReader(summary))) {
                JsonObject line = reader.readObject();
                assertEquals("ferry.summary", line.getString("loggerName"), summary);
                assertTrue(line.getString("message").startsWith("Route upload -> transfer, last 1 s: 0 delivered"),
                        summary);
            }
        }
        assertTrue(Files.exists(outbox.resolve("waiting-0.csv")), "a file was moved while the target was down");
    }

    @Test
    void hostileNamesCannotSplitOrForgeAnAuditLine() throws Exception {
        config.target("transfer", vsftpd.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                .route("upload", outbox, "transfer", landed.getFileName().toString());
        // quarantined at pickup, never sent: a line break (and a forged audit line after it), a backslash; sent: a
        // quote, a NEL and a line separator (U+0085, U+2028), which some readers take for line breaks
        List<String> quarantined = List.of("a\n{\"outcome\":\"delivered\",\"route\":\"forged\"}.csv", "b\\c.csv");
        List<String> sent = List.of("q\"uote.csv", "nel\u0085x.csv", "ls\u2028x.csv");
        try (FerryProcess ferry = FerryProcess.start(config)) {
            ferry.awaitLog("Listening on", Duration.ofSeconds(30));
            for (String name : quarantined) {
                Files.writeString(outbox.resolve(name), "x\n", StandardCharsets.UTF_8);
            }
            for (String name : sent) {
                Files.writeString(outbox.resolve(name), "y\n", StandardCharsets.UTF_8);
            }
            await().atMost(DELIVERY).ignoreExceptions().until(() -> audit.lines().size() == 5);
            String text = audit.toString();
            assertEquals(5, text.split("\n", -1).length - 1, "one line per outcome, nothing split: " + text);
            for (JsonObject line : audit.lines()) {
                assertEquals("upload", line.getString("route"), text);
                String name = Path.of(line.getString("localPath")).getFileName().toString();
                String expected = quarantined.contains(name) ? "quarantined" : sent.contains(name) ? "delivered" : null;
                assertEquals(expected, line.getString("outcome"), "the name as on disk, and its outcome: " + text);
            }
        }
    }

    private static String metrics(FerryProcess ferry) throws Exception {
        var response = ferry.get("/q/metrics");
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
