package dev.ferry.ftps;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import dev.ferry.config.TargetConfig.Storage;
import dev.ferry.testing.AuditLog;
import dev.ferry.testing.Certificates;
import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.PrometheusText;
import dev.ferry.testing.RealFtpServer;
import dev.ferry.testing.RealFtpServer.Kind;
import dev.ferry.testing.TestFiles;
import dev.ferry.testing.TestTargets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compatibility matrix: the packaged jar delivers 50 files (0 B to 20 MiB) to vsftpd, ProFTPD and pure-ftpd, each
 * limited once to TLS 1.2 and once to TLS 1.3, with session reuse required where the server can require it; then
 * one control connection lists them. A cell passes only with every file delivered byte-identical and none
 * quarantined; where the server logs resumption, every data connection must have resumed.
 */
class InteroperabilityIT {

    private static final long[] SIZES = {0, 1, 4096, 256 * 1024, 1024 * 1024, 20L * 1024 * 1024};
    private static final int FILES = 50;

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    private static List<Path> originals;

    @BeforeAll
    static void files() throws Exception {
        originals = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            String name = String
                    .format(i % 3 == 0 ? "report %02d.csv" : i % 3 == 1 ? "ünïcødé-%02d.bin" : "plain-%02d.dat", i);
            originals.add(TestFiles.random(shared.resolve("originals").resolve(name), SIZES[i % SIZES.length], i));
        }
    }

    static Stream<Arguments> cells() {
        return Arrays.stream(Kind.values())
                .flatMap(kind -> Stream.of(Arguments.of(kind, "TLSv1.2"), Arguments.of(kind, "TLSv1.3")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cells")
    void deliversEveryFileAndListsThem(Kind kind, String tls) throws Exception {
        String remoteDir = "/it-" + UUID.randomUUID() + "/incoming";
        Path landed = RealFtpServer.HOME.resolve(remoteDir.substring(1));
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        try (RealFtpServer server = RealFtpServer.start(kind, tmp.resolve("server"), tls)) {
            FerryConfigDir config = new FerryConfigDir(tmp.resolve("cfg"))
                    .target("site", server.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                    .property("ferry.targets.site.tls-versions", tls)
                    .route("upload", outbox, "site", remoteDir);
            AuditLog audit = config.audit();
            try (FerryProcess ferry = FerryProcess.start(config)) {
                for (Path file : originals) {
                    Files.copy(file, outbox.resolve(file.getFileName()));
                }
                Path archive = TestFiles.today(outbox.resolve(".archive"));
                await().atMost(Duration.ofMinutes(3))
                        .until(() -> originals.stream().allMatch(f -> Files.exists(archive.resolve(f.getFileName())))
                                || Files.exists(outbox.resolve(".failed")));
                assertFalse(Files.exists(outbox.resolve(".failed")), "files were quarantined:\n" + ferry.log());
                for (Path file : originals) {
                    TestFiles.assertSameBytes(file, landed.resolve(file.getFileName()));
                }
                // each delivery's audit line says which TLS version its data connection used and whether it resumed
                // the control session: pure-ftpd resumes nothing on TLS 1.3 (and does not require it); everywhere
                // else every upload resumed
                boolean resumes = !(kind == Kind.PURE_FTPD && tls.equals("TLSv1.3"));
                var delivered = audit.with("delivered");
                assertEquals(originals.size(), delivered.size(), audit.toString());
                for (var line : delivered) {
                    assertEquals(tls, line.getString("tlsVersion"), line.toString());
                    assertEquals(resumes, line.getBoolean("resumed"), line.toString());
                }
                assertEquals(List.of(), audit.with("retried"), "an upload failed on the way");
            }
            assertEquals(FILES, listOverOneControlConnection(server, tls, remoteDir), "names listed");
            assertResumedWhereLogged(server, FILES + 1);
        } finally {
            TestFiles.deleteTree(landed.getParent());
        }
    }

    static Stream<Arguments> pipelinedCells() {
        return Arrays.stream(Kind.values())
                .flatMap(kind -> Stream.of(Arguments.of(kind, Storage.FILE), Arguments.of(kind, Storage.S3)));
    }

    /**
     * Commands sent together ({@link Pipeline}): each upload's last command goes with the next upload's EPSV, RNFR
     * with RNTO; a rename of a missing file in between (RNFR refused, RNTO then out of sequence) renames nothing and
     * leaves the client reading its own replies. storage=s3 uploads directly, file under a temporary name.
     */
    @ParameterizedTest(name = "{0} storage={1}")
    @MethodSource("pipelinedCells")
    void commandsSentTogetherAreAnsweredInOrder(Kind kind, Storage storage) throws Exception {
        String remoteDir = "/pipe-" + UUID.randomUUID();
        Path landed = RealFtpServer.HOME.resolve(remoteDir.substring(1));
        List<Path> files = originals.subList(0, 10);
        try (RealFtpServer server = RealFtpServer.start(kind, tmp.resolve("server"), "TLSv1.2")) {
            FtpsClient client = TestTargets.readyToTransfer(
                    new FtpsClient(TestTargets.target(server.port(), RealFtpServer.USER, RealFtpServer.PASSWORD,
                            Certificates.localhost().caPem(), storage, true, "TLSv1.2"), true),
                    server.port(), "ignored", "ignored");
            try {
                assertTrue(client.makeDirectory(remoteDir), client.getReplyString());
                assertTrue(client.changeWorkingDirectory(remoteDir), client.getReplyString());
                for (int i = 0; i < files.size(); i++) {
                    String name = files.get(i).getFileName().toString();
                    String sent = storage == Storage.S3 ? name : "." + name + ".part";
                    try (InputStream in = Files.newInputStream(files.get(i))) {
                        assertTrue(client.storeFile(sent, in), client.getReplyString());
                    }
                    if (storage == Storage.FILE) {
                        assertTrue(client.rename(sent, name));
                    }
                    if (i == 4) {
                        IOException e = assertThrows(IOException.class, () -> client.rename(".missing", "missing"));
                        assertTrue(e.getMessage().startsWith("Cannot rename .missing"), e.getMessage());
                    }
                }
                assertEquals(files.size() - 1, client.passivesUsedAhead(), "uploads on a port asked for ahead");
                assertEquals(213, client.sendCommand("SIZE", files.get(9).getFileName().toString()));
                assertEquals("213 " + Files.size(files.get(9)), client.getReplyString().trim());
            } finally {
                client.disconnect();
            }
            for (Path file : files) {
                TestFiles.assertSameBytes(file, landed.resolve(file.getFileName()));
            }
            try (Stream<Path> left = Files.list(landed)) {
                assertEquals(files.size(), left.count(), "files on the server besides the uploads");
            }
            assertResumedWhereLogged(server, files.size());
        } finally {
            TestFiles.deleteTree(landed);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("legacyServers")
    void serverOfferingOnlyTls10Or11IsRefused(Kind kind) throws Exception {
        try (RealFtpServer server = RealFtpServer.start(kind, tmp.resolve("server"), RealFtpServer.LEGACY)) {
            FtpsClient client = new FtpsClient(
                    TestTargets.target(server.port(), RealFtpServer.USER, RealFtpServer.PASSWORD,
                            Certificates.localhost().caPem()),
                    false);
            TargetUnavailableException e = assertThrows(TargetUnavailableException.class,
                    () -> client.connect("localhost", server.port()));
            assertTrue(e.getMessage().contains("no TLS version in common")
                    && e.getMessage().contains("older than TLS 1.2"), e.getMessage());
        }
    }

    static Stream<Kind> legacyServers() {
        return Stream.of(Kind.VSFTPD, Kind.PURE_FTPD);
    }

    @org.junit.jupiter.api.Test
    void controlConnectionDroppedByTheServerBetweenFilesIsReplacedWithoutPausingTheTarget() throws Exception {
        String remoteDir = "/idle-" + UUID.randomUUID();
        Path landed = RealFtpServer.HOME.resolve(remoteDir.substring(1));
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        // vsftpd closes a control connection idle for 2 s, as Transfer Family does after its idle timeout
        try (RealFtpServer server = RealFtpServer.start(Kind.VSFTPD, tmp.resolve("server"), "TLSv1.3",
                List.of("idle_session_timeout=2"))) {
            FerryConfigDir config = new FerryConfigDir(tmp.resolve("cfg"))
                    .target("site", server.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                    .route("upload", outbox, "site", remoteDir);
            AuditLog audit = config.audit();
            try (FerryProcess ferry = FerryProcess.start(config)) {
                Files.copy(originals.get(1), outbox.resolve(originals.get(1).getFileName()));
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Files.exists(landed.resolve(originals.get(1).getFileName())));
                // longer than the idle timeout, so vsftpd closes the control connection Ferry keeps between files:
                // a time is the point here, the server reports nothing Ferry could wait for
                Thread.sleep(4_000);
                Files.copy(originals.get(2), outbox.resolve(originals.get(2).getFileName()));
                await().atMost(Duration.ofSeconds(30)).until(
                        () -> TestFiles.sameBytes(originals.get(2), landed.resolve(originals.get(2).getFileName())));
                String metrics = ferry.get("/q/metrics").body();
                assertEquals(0, PrometheusText.value(metrics, "ferry_upload_failures_total",
                        "kind=\"target\",route=\"upload\",target=\"site\""), "the target was paused:\n" + metrics);
                assertEquals(List.of(), audit.with("retried"), "an upload failed and was retried");
                assertEquals(2, audit.with("delivered").size(), audit.toString());
            }
        } finally {
            TestFiles.deleteTree(landed);
        }
    }

    private static int listOverOneControlConnection(RealFtpServer server, String tls, String remoteDir)
            throws Exception {
        FtpsClient client = TestTargets.readyToTransfer(
                new FtpsClient(TestTargets.target(server.port(), RealFtpServer.USER,
                        RealFtpServer.PASSWORD, Certificates.localhost().caPem(), tls), true),
                server.port(), "ignored", "ignored");
        try {
            assertTrue(client.changeWorkingDirectory(remoteDir), client.getReplyString());
            return client.listFiles().length;
        } finally {
            client.disconnect();
        }
    }

    private static void assertResumedWhereLogged(RealFtpServer server, int connections) throws Exception {
        String log = server.tlsLog();
        switch (server.kind()) {
            case VSFTPD -> {
                assertFalse(log.contains("session reuse required"), "vsftpd refused a data connection:\n" + log);
                long resumed = log.lines().filter(l -> l.contains("SSL version") && l.contains(", reused,")).count();
                assertTrue(resumed >= connections, "data connections vsftpd saw resumed: " + resumed);
            }
            case PROFTPD -> {
                assertFalse(log.contains("did not reuse"), "ProFTPD refused a data connection:\n" + log);
                long resumed = log.lines().filter(l -> l.contains("client reused TLS session for data connection"))
                        .count();
                assertTrue(resumed >= connections, "data connections ProFTPD saw resumed: " + resumed + "\n" + log);
            }
            default -> {
                // pure-ftpd logs no TLS detail; delivery and listing are what it is held to
            }
        }
    }
}
