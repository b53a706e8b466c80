package dev.ferry.deploy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.ferry.testing.Certificates;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.RealFtpServer;
import dev.ferry.testing.RealFtpServer.Kind;
import dev.ferry.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code deploy/install.sh} into a temporary root ({@code DESTDIR}): the tree it makes, a second install that keeps
 * the operator's files, the installed launcher run as the unprivileged service user the way the unit runs it
 * (its environment, {@code CREDENTIALS_DIRECTORY}) delivering a file to the real vsftpd, and the uninstall that
 * keeps configuration and data.
 */
class InstallIT {

    private static final String SERVICE_USER = "ferry";

    @TempDir
    Path tmp;

    @Test
    void installsUpgradesRunsAsTheServiceUserAndUninstallsKeepingData() throws Exception {
        Path root = tmp.resolve("root");
        ensureServiceUser();
        // as on a host, the installed tree can be read by the service user (the AOT training runs as that user)
        run(List.of("chmod", "755", tmp.toString()));
        String output = install(root);
        // the build this run made: the JVM build, or the native binary after package -Dnative
        boolean nativeBuild = FerryProcess.isNative();
        String program = nativeBuild ? "opt/ferry/lib/ferry-runner" : "opt/ferry/lib/quarkus-app/quarkus-run.jar";
        assertTrue(output.contains(nativeBuild
                ? "installing the native binary target/"
                : "installing the JVM build "
                        + "target/quarkus-app"),
                output);
        assertEquals(nativeBuild, Files.exists(root.resolve("etc/systemd/system/ferry.service.d/native.conf")),
                "the native drop-in with the " + (nativeBuild ? "native binary" : "JVM build"));
        for (String path : List.of("var/lib/ferry", "var/lib/ferry/outbox", "var/log/ferry")) {
            assertEquals(SERVICE_USER, Files.getOwner(root.resolve(path)).getName(), path + " not handed over");
        }
        for (String path : List.of("opt/ferry/bin/ferry", program,
                "opt/ferry/README.md", "opt/ferry/docs/configuration.md", "opt/ferry/bench/README.md",
                "etc/ferry/application.properties",
                "etc/ferry/routes/outbox.yaml",
                "etc/ferry/credentials/transfer", "etc/systemd/system/ferry.service", "var/lib/ferry/outbox",
                "var/log/ferry")) {
            assertTrue(Files.exists(root.resolve(path)), path + " was not installed");
        }
        assertTrue(Files.isExecutable(root.resolve("opt/ferry/bin/ferry")));
        assertEquals("rwx------", mode(root.resolve("etc/ferry/credentials")), "credentials must be root's only");
        assertEquals("rw-------", mode(root.resolve("etc/ferry/credentials/transfer")));
        assertEquals(-1, Files.mismatch(Path.of("deploy/ferry.service"),
                root.resolve("etc/systemd/system/ferry.service")));

        // the operator's configuration: a second install (an upgrade) keeps every byte of it
        Path properties = root.resolve("etc/ferry/application.properties");
        int port;
        // in the FTP user's home, which no JUnit temporary directory covers: removed below
        Path landed = RealFtpServer.HOME.resolve("installed-" + UUID.randomUUID());
        try (RealFtpServer vsftpd = RealFtpServer.start(Kind.VSFTPD, tmp.resolve("vsftpd"), "TLSv1.3")) {
            port = vsftpd.port();
            Files.copy(Certificates.localhost().caPem(), root.resolve("etc/ferry/ca.pem"));
            String mine = "ferry.targets.transfer.host=localhost\n"
                    + "ferry.targets.transfer.port=" + port + "\n"
                    + "ferry.targets.transfer.username=" + RealFtpServer.USER + "\n"
                    + "ferry.targets.transfer.password-file=${CREDENTIALS_DIRECTORY}/transfer\n"
                    + "ferry.targets.transfer.trust-store=" + root.resolve("etc/ferry/ca.pem") + "\n"
                    + "quarkus.http.port=0\n"
                    // the example's audit trail, as installed: its own file in $LOGS_DIRECTORY
                    + Files.readAllLines(properties).stream().filter(l -> l.startsWith("quarkus.log."))
                            .map(l -> l + "\n").collect(java.util.stream.Collectors.joining());
            Files.writeString(properties, mine);
            Files.writeString(root.resolve("etc/ferry/routes/outbox.yaml"), "- templatedRoute:\n"
                    + "    routeTemplateRef: ftps-upload\n    routeId: upload-outbox\n    parameters:\n"
                    + "      - name: source\n        value: " + root.resolve("var/lib/ferry/outbox") + "\n"
                    + "      - name: target\n        value: transfer\n"
                    + "      - name: remoteDir\n        value: /" + landed.getFileName() + "\n");
            install(root);
            assertEquals(mine, Files.readString(properties), "an install overwrote the operator's configuration");
            // on JDK 25 and newer the install makes the AOT cache the launcher then starts with; before, none
            assertEquals(!nativeBuild && Runtime.version().feature() >= 25,
                    Files.isRegularFile(root.resolve("opt/ferry/lib/quarkus-app/ferry.aot")),
                    "AOT cache on JDK " + Runtime.version().feature());
            assertFalse(Files.exists(root.resolve("opt/ferry/lib/quarkus-app/app.aot")), "the build's cache was kept");

            run(List.of("chmod", "755", tmp.toString(), root.toString()));
            Files.writeString(root.resolve("etc/ferry/credentials/transfer"), RealFtpServer.PASSWORD + "\n");
            checkAsRootRunsAsTheServiceUser(root);

            // what systemd does for the unit: the service user, its environment, the credential in a directory
            // only that user can read
            Path credentials = Files.createDirectories(tmp.resolve("run-credentials"));
            Files.writeString(credentials.resolve("transfer"), RealFtpServer.PASSWORD);
            run(List.of("chown", "-R", SERVICE_USER + ":", credentials.toString()));
            run(List.of("chmod", "-R", "go-rwx", credentials.toString()));

            Path staged = TestFiles.random(tmp.resolve("staged/café-installed.csv"), 70_000, 3);
            Path log = tmp.resolve("installed-ferry.log");
            // setpriv execs the launcher as the user (runuser would stay in between and turn SIGTERM into 143); a
            // bare environment as a minimal unit gives, with no locale: the launcher's own LANG must let the JVM open
            // the non-ASCII name
            List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + SERVICE_USER,
                    "--regid=" + SERVICE_USER, "--init-groups", "--", "env", "-i", "PATH=/usr/bin:/bin",
                    "FERRY_CONFIG_DIR=" + root.resolve("etc/ferry"),
                    "CREDENTIALS_DIRECTORY=" + credentials, "LOGS_DIRECTORY=" + root.resolve("var/log/ferry"),
                    "JAVA_HOME=" + System.getProperty("java.home"),
                    root.resolve("opt/ferry/bin/ferry").toString()));
            Process ferry = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            try {
                Path outbox = root.resolve("var/lib/ferry/outbox");
                Path dropped = outbox.resolve(staged.getFileName());
                Files.copy(staged, dropped);
                run(List.of("chown", SERVICE_USER + ":", dropped.toString()));
                Path remote = landed.resolve(staged.getFileName());
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> !ferry.isAlive() || TestFiles.sameBytes(staged, remote));
                assertTrue(ferry.isAlive(), Files.readString(log));
                TestFiles.assertSameBytes(staged, remote);
                assertFalse(Files.readString(log).contains("File names are decoded as"),
                        "the launcher left the JVM without a UTF-8 locale: " + Files.readString(log));
                await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(dropped));
                String owner = Files.getOwner(outbox.resolve(".archive")).getName();
                assertEquals(SERVICE_USER, owner, "the archive was not made by the service user");
                Path audit = root.resolve("var/log/ferry/audit.jsonl");
                assertTrue(Files.readString(audit).contains("\"outcome\":\"delivered\",\"route\":\"upload-outbox\""),
                        "no delivery in the installed audit trail " + audit + ": " + Files.readString(audit));
            } finally {
                ferry.destroy();
                assertTrue(ferry.waitFor(60, TimeUnit.SECONDS));
            }
            assertEquals(FerryProcess.SIGTERM_EXIT, ferry.exitValue(), Files.readString(log));
        } finally {
            TestFiles.deleteTree(landed);
        }

        // the service user owns /var/lib/ferry and /var/log/ferry, so it can put a link there to any file of root's:
        // an upgrade or an uninstall, run as root, must not change what the link points to
        Path victim = Files.writeString(tmp.resolve("roots-file"), "root's\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
        Path victimDir = Files.createDirectories(tmp.resolve("roots-dir"));
        Files.setPosixFilePermissions(victimDir, PosixFilePermissions.fromString("rwx------"));
        asServiceUser("mv", root.resolve("var/lib/ferry/outbox").toString(),
                root.resolve("var/lib/ferry/kept").toString());
        asServiceUser("ln", "-s", victim.toString(), root.resolve("var/lib/ferry/outbox").toString());
        asServiceUser("ln", "-s", victimDir.toString(), root.resolve("var/lib/ferry/.ferry").toString());
        asServiceUser("ln", "-s", victim.toString(), root.resolve("var/log/ferry/audit.jsonl.1").toString());
        install(root);
        assertUntouched(victim, "rw-------");
        assertUntouched(victimDir, "rwx------");
        uninstall(root);
        assertUntouched(victim, "rw-------");
        assertUntouched(victimDir, "rwx------");

        assertFalse(Files.exists(root.resolve("opt/ferry")), "the program is still installed");
        assertFalse(Files.exists(root.resolve("etc/systemd/system/ferry.service")));
        assertTrue(Files.exists(properties), "the uninstall removed the configuration");
        assertTrue(Files.isDirectory(root.resolve("var/lib/ferry/kept/.archive")), "the uninstall removed data");
    }

    /**
     * {@code sudo ferry check}, as the README says: the launcher, run by root, runs the check as the service user
     * with the unit's credential, so it logs in; and it leaves nothing in the source or the log directory that the
     * service could not write.
     */
    private void checkAsRootRunsAsTheServiceUser(Path root) throws Exception {
        Path outbox = root.resolve("var/lib/ferry/outbox");
        String output = launchAsRoot(root, 0, "check", "transfer");
        assertTrue(output.contains("target transfer: OK"), output);
        // the command's own exit status comes back through the launcher
        String unknown = launchAsRoot(root, 2, "check", "elsewhere");
        assertTrue(unknown.contains("unknown target 'elsewhere'"), unknown);
        for (Path made : List.of(outbox.resolve(".ferry"), root.resolve("var/log/ferry/audit.jsonl"))) {
            if (Files.exists(made)) {
                assertEquals(SERVICE_USER, Files.getOwner(made).getName(), made + " left behind by root: " + output);
            }
        }
        try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("ferry-credentials."))
                    .toList(), "the launcher left a copy of the credentials");
        }
    }

    private String launchAsRoot(Path root, int exit, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                "FERRY_CONFIG_DIR=" + root.resolve("etc/ferry"), "LOGS_DIRECTORY=" + root.resolve("var/log/ferry"),
                "JAVA_HOME=" + System.getProperty("java.home"), root.resolve("opt/ferry/bin/ferry").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(90, TimeUnit.SECONDS));
        assertEquals(exit, process.exitValue(), output);
        return output;
    }

    /** A native binary older than the JVM build is not installed by default; --native installs it and says so. */
    @Test
    void installsTheBuildMadeLastOrTheOneNamed() throws Exception {
        if (FerryProcess.isNative()) {
            installsTheNewestNativeBinaryAndRefusesAJvmBuildThereIsNot();
            return;
        }
        // the newest runner (a real one may be left from an earlier package -Dnative), yet older than the jar
        Path stale = staleRunner(Files.getLastModifiedTime(Path.of("target/quarkus-app/quarkus-run.jar")).toMillis()
                - 1_000);
        try {
            Path root = tmp.resolve("root");
            String output = install(root);
            assertTrue(output.contains("installing the JVM build"), output);
            assertTrue(Files.exists(root.resolve("opt/ferry/lib/quarkus-app/quarkus-run.jar")), output);
            assertFalse(Files.exists(root.resolve("opt/ferry/lib/ferry-runner")), output);
            assertFalse(Files.exists(root.resolve("etc/systemd/system/ferry.service.d/native.conf")), output);

            output = script(root, List.of("deploy/install.sh", "--native"));
            assertTrue(output.contains("installing the native binary " + stale), output);
            assertEquals(-1, Files.mismatch(stale, root.resolve("opt/ferry/lib/ferry-runner")));
            assertTrue(Files.exists(root.resolve("etc/systemd/system/ferry.service.d/native.conf")), output);

            run(List.of("touch", stale.toString()));
            output = install(root);
            assertTrue(output.contains("installing the native binary " + stale), output);
            output = script(root, List.of("deploy/install.sh", "--jvm"));
            assertTrue(output.contains("installing the JVM build"), output);
            assertTrue(Files.exists(root.resolve("opt/ferry/lib/quarkus-app/quarkus-run.jar")), output);
            assertFalse(Files.exists(root.resolve("opt/ferry/lib/ferry-runner")), output);
        } finally {
            Files.deleteIfExists(stale);
        }
    }

    /**
     * After package -Dnative: of two binaries the newer is installed by default; --jvm installs an older jar if one is
     * left, and is refused, naming why, if not.
     */
    private void installsTheNewestNativeBinaryAndRefusesAJvmBuildThereIsNot() throws Exception {
        Path built = FerryProcess.nativeBinary();
        Path stale = staleRunner(Instant.parse("2001-01-01T00:00:00Z").toEpochMilli());
        try {
            Path root = tmp.resolve("root");
            String output = install(root);
            assertTrue(output.contains("installing the native binary target/" + built.getFileName()), output);
            assertEquals(-1, Files.mismatch(built, root.resolve("opt/ferry/lib/ferry-runner")));
            assertTrue(Files.exists(root.resolve("etc/systemd/system/ferry.service.d/native.conf")), output);

            if (Files.exists(Path.of("target/quarkus-app/quarkus-run.jar"))) {
                // a jar from an earlier package, older than the binary: named, it is installed
                output = script(root, List.of("deploy/install.sh", "--jvm"));
                assertTrue(output.contains("installing the JVM build"), output);
                assertTrue(Files.exists(root.resolve("opt/ferry/lib/quarkus-app/quarkus-run.jar")), output);
                assertFalse(Files.exists(root.resolve("opt/ferry/lib/ferry-runner")), output);
                assertFalse(Files.exists(root.resolve("etc/systemd/system/ferry.service.d/native.conf")), output);
            } else {
                output = script(root, List.of("deploy/install.sh", "--jvm"), 1);
                assertTrue(output.contains("no JVM build: run ./mvnw package -DskipTests first"), output);
                assertEquals(-1, Files.mismatch(built, root.resolve("opt/ferry/lib/ferry-runner")),
                        "a refused install changed what was installed");
            }
        } finally {
            Files.deleteIfExists(stale);
        }
    }

    /** A stand-in native binary built at {@code millis} ({@code FerryProcess} never takes it for the real one). */
    private static Path staleRunner(long millis) throws Exception {
        Path stale = Path.of("target/ferry-stale-test-runner");
        Files.writeString(stale, "#!/bin/sh\necho stale\n");
        run(List.of("chmod", "755", stale.toString()));
        Files.setLastModifiedTime(stale, FileTime.fromMillis(millis));
        return stale;
    }

    private static String install(Path root) throws Exception {
        return script(root, List.of("deploy/install.sh"));
    }

    private static void uninstall(Path root) throws Exception {
        script(root, List.of("deploy/install.sh", "--uninstall"));
    }

    private static String script(Path root, List<String> command) throws Exception {
        return script(root, command, 0);
    }

    private static String script(Path root, List<String> command, int exit) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("DESTDIR", root.toString(), "JAVA_HOME", System.getProperty("java.home"),
                "FERRY_AOT", "yes"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        assertEquals(exit, process.exitValue(), output);
        return output;
    }

    private static void asServiceUser(String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=" + SERVICE_USER, "--regid=" + SERVICE_USER,
                "--init-groups", "--"));
        full.addAll(List.of(command));
        run(full);
    }

    private static void assertUntouched(Path victim, String mode) throws Exception {
        assertEquals("root", Files.getOwner(victim, java.nio.file.LinkOption.NOFOLLOW_LINKS).getName(),
                victim + " was handed to the service user");
        assertEquals(mode, mode(victim), victim + " changed its mode");
    }

    private static void ensureServiceUser() throws Exception {
        Process id = new ProcessBuilder("id", SERVICE_USER).start();
        if (id.waitFor() != 0) {
            run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER));
        }
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + output);
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
