package dev.ferry.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.demo.EmbeddedFtpsServer.Storage;
import dev.ferry.demo.TestCertificates;
import dev.ferry.testing.Certificates;
import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.FerryProcess.Finished;
import dev.ferry.testing.RealFtpServer;
import dev.ferry.testing.RealFtpServer.Kind;
import dev.ferry.testing.TestFiles;
import dev.ferry.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ferry check} and {@code ferry validate} run from the packaged jar against the real vsftpd, which refuses any
 * data connection that does not resume the control connection's TLS session ({@code require_ssl_reuse=YES}).
 */
class CheckIT {

    /** In the FTP user's home, which no JUnit temporary directory covers: removed after the class. */
    private static final String REMOTE_TOP = "checked-" + UUID.randomUUID();
    private static final String REMOTE_DIR = REMOTE_TOP + "/in";

    @TempDir
    static Path shared;

    private static RealFtpServer vsftpd;

    @TempDir
    Path tmp;

    private FerryConfigDir config;
    private Path outbox;

    @BeforeAll
    static void startServer() throws Exception {
        vsftpd = RealFtpServer.start(Kind.VSFTPD, shared.resolve("vsftpd"), "TLSv1.2");
    }

    @AfterAll
    static void stopServer() throws Exception {
        vsftpd.close();
        TestFiles.deleteTree(RealFtpServer.HOME.resolve(REMOTE_TOP));
    }

    @BeforeEach
    void configure() throws Exception {
        config = new FerryConfigDir(tmp.resolve("cfg"));
        outbox = Files.createDirectories(tmp.resolve("outbox"));
    }

    @Test
    void everyStepPassesAgainstAServerThatRequiresSessionReuse() throws Exception {
        config.target("site", vsftpd.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                .route("upload", outbox, "site", REMOTE_DIR);
        Finished check = FerryProcess.run(config, "check", "site");

        assertEquals(Command.OK, check.exit(), check.toString());
        for (String step : List.of("resolve", "connect", "tls", "cert", "login", "passive", "data", "rename",
                "replace", "write")) {
            assertTrue(check.output().matches("(?s).*\n  ok  +" + step + " .*"), step + ": " + check);
        }
        assertTrue(check.output().contains("  ok    tls      TLSv1.2 "), check.toString());
        assertTrue(check.output().contains("for localhost, 127.0.0.1"), check.toString());
        assertTrue(check.output().matches("(?s).*  ok    data     STOR \\.\\.ferry-check-[0-9a-f]{8}\\.tmp\\.upload"
                + "\\.ferry-part over TLSv1.2, TLS session resumed from the control connection; SIZE \\d+ bytes as "
                + "sent\n.*"), check.toString());
        assertTrue(check.output().matches("(?s).*" + REMOTE_DIR + " \\(route upload\\): (created the directory, )?the "
                + "upload path works \\(ferry.targets.site.upload-mode=temp-rename, .*"), check.toString());
        assertTrue(check.output().contains("target site: OK"), check.toString());
        // the server saw the route's own commands: the temporary name stored, size-checked, renamed into place, a
        // second one renamed over it, the final name deleted; no listing, nothing refused, nothing kept
        String log = vsftpd.tlsLog();
        Matcher probe = Pattern.compile("\\.ferry-check-[0-9a-f]{8}\\.tmp").matcher(check.output());
        assertTrue(probe.find(), check.toString());
        String name = probe.group();
        String temporary = "." + name + ".upload.ferry-part";
        for (String command : List.of("STOR " + temporary, "SIZE " + temporary, "RNFR " + temporary, "RNTO " + name,
                "DELE " + name)) {
            assertEquals(command.startsWith("DELE") ? 1 : 2,
                    log.lines().filter(l -> l.contains("\"" + command + "\"")).count(), command + ": " + log);
        }
        assertFalse(check.output().contains("NLST"), check.toString());
        assertFalse(log.contains("\"522 "), log);
        try (Stream<Path> left = Files.list(RealFtpServer.HOME.resolve(REMOTE_DIR))) {
            assertEquals(List.of(), left.toList());
        }
        // no route ran: check starts none
        assertFalse(check.output().contains("Started "), check.toString());
    }

    @Test
    void filesInTheWorkingDirectoryCannotOverrideTheConfigDirectory() throws Exception {
        config.target("site", vsftpd.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                .route("upload", outbox, "site", REMOTE_DIR);
        // what SmallRye reads by default from $PWD: a .env above the config directory, config/application.properties
        // for every key the config directory leaves unset
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve(".env"), "FERRY_TARGETS_SITE_PORT=1\nFERRY_TARGETS_SITE_HOST=127.0.0.9\n");
        Path planted = Files.createDirectories(elsewhere.resolve("config")).resolve("application.properties");
        Files.writeString(planted, "ferry.targets.planted.host=127.0.0.9\nferry.targets.planted.username=x\n"
                + "ferry.targets.planted.password-file=" + config.path().resolve("site.password") + "\n");
        Finished check = FerryProcess.runIn(elsewhere, config, "check");

        assertEquals(Command.OK, check.exit(), check.toString());
        assertTrue(check.output().contains("Checking target site: localhost:" + vsftpd.port() + " as"),
                check.toString());
        assertFalse(check.output().contains("planted"), check.toString());
        assertFalse(check.output().contains("127.0.0.9"), check.toString());
    }

    @Test
    void aServerThatRefusesTheRenameFailsTheCheckAsItFailsEveryFile() throws Exception {
        try (RealFtpServer refusing = RealFtpServer.start(Kind.VSFTPD, tmp.resolve("vsftpd-norename"), "TLSv1.2",
                List.of("cmds_denied=RNFR,RNTO"))) {
            config.target("site", refusing.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                    .route("upload", outbox, "site", REMOTE_DIR);
            Finished check = FerryProcess.run(config, "check");

            assertEquals(Command.CHECK_FAILED, check.exit(), check.toString());
            assertTrue(check.output().contains("  ok    data     STOR "), check.toString());
            assertTrue(check.output().contains("  FAIL  rename   " + REMOTE_DIR + " (route upload): Cannot rename "),
                    check.toString());
            assertTrue(check.output().contains("550 Permission denied"), check.toString());
            assertTrue(check.output().contains("or set ferry.targets.site.upload-mode=direct"), check.toString());
            assertTrue(check.output().contains("target site: FAILED at rename"), check.toString());
            // the probe's upload is cleaned up all the same
            try (Stream<Path> left = Files.list(RealFtpServer.HOME.resolve(REMOTE_DIR))) {
                assertEquals(List.of(), left.toList());
            }

            // the same server with upload-mode=direct: no rename needed, and the check says so by passing
            config.property("ferry.targets.site.upload-mode", "direct");
            Finished direct = FerryProcess.run(config, "check");
            assertEquals(Command.OK, direct.exit(), direct.toString());
            assertTrue(direct.output().contains("  ok    replace  a second STOR over the existing "),
                    direct.toString());
        }
    }

    @Test
    void aServerThatRefusesListingsPassesTheCheckAsItDeliversEveryFile() throws Exception {
        try (RealFtpServer unlisted = RealFtpServer.start(Kind.VSFTPD, tmp.resolve("vsftpd-nolist"), "TLSv1.2",
                List.of("cmds_denied=NLST,LIST,MLSD"))) {
            config.target("site", unlisted.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                    .route("upload", outbox, "site", REMOTE_DIR);
            Finished check = FerryProcess.run(config, "check");
            assertEquals(Command.OK, check.exit(), check.toString());

            // --no-write has only a listing to prove the data connection with: it says it could not
            Finished noWrite = FerryProcess.run(config, "check", "--no-write");
            assertEquals(Command.OK, noWrite.exit(), noWrite.toString());
            assertTrue(noWrite.output().contains("  warn  data     NLST refused (550 Permission denied.): delivery "
                    + "needs no listing"), noWrite.toString());
        }
    }

    @Test
    void aServerThatRefusesSizeOrStoreFailsTheCheck() throws Exception {
        for (String denied : List.of("SIZE", "STOR")) {
            try (RealFtpServer refusing = RealFtpServer.start(Kind.VSFTPD, tmp.resolve("vsftpd-no" + denied),
                    "TLSv1.2", List.of("cmds_denied=" + denied))) {
                FerryConfigDir own = new FerryConfigDir(tmp.resolve("cfg-" + denied))
                        .target("site", refusing.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                        .route("upload", outbox, "site", REMOTE_DIR);
                Finished check = FerryProcess.run(own, "check");
                assertEquals(Command.CHECK_FAILED, check.exit(), check.toString());
                assertTrue(check.output().contains("  FAIL  data     " + REMOTE_DIR + " (route upload): "),
                        check.toString());
                assertTrue(check.output().contains("550 Permission denied"), check.toString());
            }
        }
    }

    @Test
    void noWriteSendsNoFile() throws Exception {
        config.target("site", vsftpd.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                .route("upload", outbox, "site", "never-written");
        Finished check = FerryProcess.run(config, "check", "--no-write");

        assertEquals(Command.OK, check.exit(), check.toString());
        assertTrue(check.output().contains("  skip  write    --no-write"), check.toString());
        assertFalse(Files.exists(RealFtpServer.HOME.resolve("never-written")), check.toString());
    }

    @Test
    void wrongPasswordFailsAtTheLogin() throws Exception {
        config.target("site", vsftpd.port(), RealFtpServer.USER, "not-the-password")
                .route("upload", outbox, "site", REMOTE_DIR);
        Finished check = FerryProcess.run(config, "check", "site");

        assertEquals(Command.CHECK_FAILED, check.exit(), check.toString());
        assertTrue(check.output().contains("  ok    tls "), check.toString());
        assertTrue(check.output().contains("  FAIL  login    Login to localhost:" + vsftpd.port() + " as '"
                + RealFtpServer.USER + "' refused: 530"), check.toString());
        assertTrue(check.output().contains("ferry.targets.site.password-file"), check.toString());
        assertTrue(check.output().contains("target site: FAILED at login"), check.toString());
        assertFalse(check.output().contains(" data "), "no step after the failed one:\n" + check);
    }

    @Test
    void hostNameTheCertificateDoesNotNameFailsAtTlsAndShowsTheNames() throws Exception {
        TestCertificates elsewhere = Certificates.named("ftps-internal.example.site");
        try (RealFtpServer other = RealFtpServer.start(Kind.VSFTPD, tmp.resolve("vsftpd-other"), "TLSv1.2",
                List.of("rsa_cert_file=" + elsewhere.serverPem(),
                        "rsa_private_key_file=" + elsewhere.serverKeyPem()))) {
            config.target("site", other.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                    .property("ferry.targets.site.trust-store", elsewhere.caPem().toString())
                    .route("upload", outbox, "site", REMOTE_DIR);
            Finished check = FerryProcess.run(config, "check");

            assertEquals(Command.CHECK_FAILED, check.exit(), check.toString());
            assertTrue(check.output().contains("  FAIL  tls "), check.toString());
            assertTrue(check.output().contains("localhost"), check.toString());
            assertTrue(check.output().contains("No subject alternative DNS name matching localhost"), check.toString());
            assertTrue(check.output().contains("  info  cert     the server presents certificate "), check.toString());
            assertTrue(check.output().contains(", for ftps-internal.example.site, "), check.toString());
            assertFalse(check.output().contains(" login "), "no login after a failed handshake:\n" + check);
        }
    }

    @Test
    void unresolvableHostFailsAtTheFirstStep() throws Exception {
        config.target("site", vsftpd.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                .property("ferry.targets.site.host", "no-such-host.invalid")
                .route("upload", outbox, "site", REMOTE_DIR);
        Finished check = FerryProcess.run(config, "check", "site");

        assertEquals(Command.CHECK_FAILED, check.exit(), check.toString());
        assertTrue(check.output().contains("  FAIL  resolve  cannot resolve no-such-host.invalid "
                + "(ferry.targets.site.host)"), check.toString());
    }

    @Test
    void unknownTargetIsAUsageError() throws Exception {
        config.target("site", vsftpd.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                .route("upload", outbox, "site", REMOTE_DIR);
        Finished check = FerryProcess.run(config, "check", "elsewhere");

        assertEquals(Command.USAGE_ERROR, check.exit(), check.toString());
        assertTrue(check.output().contains("unknown target 'elsewhere'; configured targets: site"), check.toString());
    }

    @Test
    void onS3TheProbeIsAnEmptyFileSentDirectlySoNoWorkflowStarts() throws Exception {
        try (EmbeddedFtpsServer twin = TestServers.embedded(tmp.resolve("bucket")).transferFamily(Storage.S3)
                .start()) {
            config.target("site", twin.port(), TestServers.USER, TestServers.PASSWORD)
                    .property("ferry.targets.site.storage", "s3").route("upload", outbox, "site", "/in");
            Finished check = FerryProcess.run(config, "check", "site");

            assertEquals(Command.OK, check.exit(), check.toString());
            assertTrue(check.output().contains("SIZE 0 bytes as sent (ferry.targets.site.storage=s3: an empty file,"
                    + " which starts no managed workflow)"), check.toString());
            assertTrue(check.output().contains("ferry.targets.site.upload-mode=direct"), check.toString());
            // two STORs of the empty probe, no rename (no copy of an object), cleaned up: no workflow, nothing left
            assertEquals(List.of(), twin.onUploads(), twin.storageEvents().toString());
            assertFalse(twin.commandsSeen().contains("RNTO"), twin.commandLog().toString());
            try (Stream<Path> left = Files.list(tmp.resolve("bucket/in"))) {
                assertEquals(List.of(), left.toList());
            }
        }
    }

    @Test
    void validateLoadsEveryRouteFileButStartsNoneAndConnectsNowhere() throws Exception {
        config.target("site", vsftpd.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                .route("upload", outbox, "site", "validated");
        Path waiting = Files.writeString(outbox.resolve("waiting.csv"), "a,b\n", StandardCharsets.UTF_8);
        Finished validate = FerryProcess.run(config, "validate");

        assertEquals(Command.OK, validate.exit(), validate.toString());
        assertTrue(validate.output().contains("is valid: 1 target, 1 route"), validate.toString());
        assertTrue(validate.output().contains("  route upload (routes/upload.yaml): " + outbox + " -> site:validated"),
                validate.toString());
        assertTrue(validate.output().contains("  target site: localhost:" + vsftpd.port() + " as '"
                + RealFtpServer.USER + "', up to 4 connections"), validate.toString());
        assertTrue(Files.exists(waiting), "validate moved a file");
        assertFalse(Files.exists(RealFtpServer.HOME.resolve("validated")), "validate delivered a file");
        assertFalse(vsftpd.tlsLog().contains("validated"), vsftpd.tlsLog());
    }

    @Test
    void validateReportsABadRouteFileInOneLine() throws Exception {
        config.target("site", vsftpd.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                .route("upload", outbox, "site", REMOTE_DIR, "archiveDir", "/tmp/x");
        Finished validate = FerryProcess.run(config, "validate");

        assertEquals(Command.CONFIGURATION_ERROR, validate.exit(), validate.toString());
        assertTrue(validate.output().contains("routes/upload.yaml: parameter 'archiveDir' is not one of ftps-upload's"),
                validate.toString());
        assertFalse(validate.output().contains("\tat "), validate.toString());
    }

    @Test
    void aTypoIsAnsweredWithTheUsage() throws Exception {
        Finished typo = FerryProcess.run(config, "chekc");

        assertEquals(Command.USAGE_ERROR, typo.exit(), typo.toString());
        assertTrue(typo.output().contains("ferry: unknown command 'chekc'"), typo.toString());
        assertTrue(typo.output().contains("Usage: ferry [run]"), typo.toString());
    }
}
