package dev.ferry.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.RealFtpServer;
import dev.ferry.testing.RealFtpServer.Kind;
import dev.ferry.testing.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile-input suite, against the packaged jar and the real vsftpd requiring session reuse: file names that would
 * smuggle FTP commands, look-alikes of delivered files, files changed during their upload, a record that cannot be
 * written, a server refusing renames, unreachable passive ports, FIFOs, two routes sending one name, a server that
 * trickles its replies, names the JVM cannot decode. Prints its figures.
 * <p>
 * Over 300 lines: one case per defect of the review that found them, each with the vsftpd set-up it needs; they share
 * one server start and one set of helpers, which a split would copy.
 */
class HostileInputIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final String remoteDir = "/hostile-" + UUID.randomUUID();
    private final Path landed = RealFtpServer.HOME.resolve(remoteDir.substring(1));
    private RealFtpServer vsftpd;
    private Path outbox;
    private FerryConfigDir config;

    @AfterEach
    void stop() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        // what landed on the server lives in the test user's home, which no JUnit temporary directory covers (grown.bin
        // alone is 800 MB there)
        TestFiles.deleteTree(landed);
    }

    @Test
    void namesThatWouldSmuggleCommandsOrSplitPathsAreQuarantinedAndRunNothing() throws Exception {
        start(List.of(), "upload");
        try (FerryProcess ferry = FerryProcess.start(config)) {
            deliver("first.csv", 100);
            Path victim = TestFiles.random(landed.resolve("victim.csv"), 100, 9);
            String injection = "x\r\nDELE victim.csv\r\nNOOP.csv";
            String backslash = "a\\b.csv";
            TestFiles.random(outbox.resolve(injection), 10, 1);
            TestFiles.random(outbox.resolve(backslash), 10, 2);
            Path after = deliver("after.csv", 300);
            // until both are quarantined, or the smuggled command has done its harm
            await().atMost(DELIVERY)
                    .until(() -> !Files.exists(victim) || Files.exists(failed().resolve(injection + ".error"))
                            && Files.exists(failed().resolve(backslash + ".error")));
            String log = ferry.log();
            String server = vsftpd.tlsLog();
            long splitLines = log.lines().filter(line -> line.startsWith("DELE") || line.startsWith("NOOP")).count();
            long quarantined = Stream.of(injection, backslash)
                    .filter(name -> Files.exists(failed().resolve(name + ".error"))).count();
            System.out.printf(
                    "HOSTILE INPUT SUITE (names): injected commands run %d, victim kept %s, names quarantined %d of "
                            + "2, log lines split %d, other files delivered %s%n",
                    server.contains("\"DELE") ? 1 : 0, Files.exists(victim), quarantined, splitLines,
                    TestFiles.sameBytes(after, landed.resolve("after.csv")));
            assertTrue(Files.exists(victim), "the smuggled DELE was run");
            assertFalse(server.contains("\"DELE"), "DELE reached the server");
            assertFalse(server.contains("NOOP.csv"), "the hostile name reached the server");
            assertEquals(0, splitLines, log);
            assertTrue(Files.readString(failed().resolve(injection + ".error")).contains("line break"));
            assertTrue(Files.readString(failed().resolve(backslash + ".error")).contains("backslash"));
            assertTrue(Files.readString(failed().resolve(injection + ".error"))
                    .contains("x\\r\\nDELE victim.csv\\r\\nNOOP.csv"));
            assertFalse(Files.exists(outbox.resolve(injection)) || Files.exists(landed.resolve("a"))
                    || Files.exists(landed.resolve("b.csv")));
            TestFiles.assertSameBytes(after, landed.resolve("after.csv"));
            // the test's password file is world-readable, as a careless operator's would be
            assertTrue(
                    log.contains("ferry.targets.transfer.password-file: ") && log.contains("can be read by every user"),
                    log);
        }
    }

    @Test
    void aLookAlikeOfADeliveredFileIsSentNotSkipped() throws Exception {
        start(List.of(), "upload");
        try (FerryProcess ferry = FerryProcess.start(config)) {
            Path first = deliver("daily.csv", 5000);
            Path archived = archive().resolve("daily.csv");
            // cp -p of other content: same name, size and modification time as the delivered file
            Path lookAlike = TestFiles.random(tmp.resolve("src/look-alike.csv"), 5000, 77);
            Files.copy(lookAlike, outbox.resolve("daily.csv.tmp"));
            Files.setLastModifiedTime(outbox.resolve("daily.csv.tmp"), Files.getLastModifiedTime(archived));
            Files.move(outbox.resolve("daily.csv.tmp"), outbox.resolve("daily.csv"));
            await().atMost(DELIVERY).until(() -> Files.exists(archive().resolve("daily.1.csv")));
            boolean lookAlikeSent = TestFiles.sameBytes(lookAlike, landed.resolve("daily.csv"));
            // an operator re-drops the archived original: it is sent again too
            Files.move(archived, outbox.resolve("daily.csv"));
            await().atMost(DELIVERY).until(() -> Files.exists(archived) && !Files.exists(outbox.resolve("daily.csv")));
            System.out.printf(
                    "HOSTILE INPUT SUITE (look-alikes): look-alike with same name, size and mtime sent %s, "
                            + "re-dropped archived"
                            + " file sent %s, uploads %d for 3 drops%n",
                    lookAlikeSent, TestFiles.sameBytes(first, landed.resolve("daily.csv")), uploads());
            assertTrue(lookAlikeSent, "the look-alike was skipped as already delivered:\n" + ferry.log());
            TestFiles.assertSameBytes(first, landed.resolve("daily.csv"));
            assertEquals(3, uploads());
            assertFalse(ferry.log().contains("before; archiving it without sending it again"), ferry.log());
        }
    }

    @Test
    void aFileChangedDuringItsUploadNeverEndsUnderItsFinalNameAndIsSentAgainAsItIsThen() throws Exception {
        start(List.of(), "upload");
        try (FerryProcess ferry = FerryProcess.start(config)) {
            ferry.awaitLog("Started upload", DELIVERY);
            long size = 768L * 1024 * 1024;
            Path grown = sparse(tmp.resolve("src/grown.bin"), size);
            Path rewritten = sparse(tmp.resolve("src/rewritten.bin"), size);
            Files.move(grown, outbox.resolve("grown.bin"));
            whileUploading("grown.bin", () -> {
                try (OutputStream out = Files.newOutputStream(outbox.resolve("grown.bin"), StandardOpenOption.APPEND)) {
                    out.write("appended while uploading".getBytes(StandardCharsets.UTF_8));
                }
            });
            await().atMost(DELIVERY)
                    .until(() -> Files.exists(archive().resolve("grown.bin")) || Files.exists(failed()));
            Files.move(rewritten, outbox.resolve("rewritten.bin"));
            whileUploading("rewritten.bin", () -> {
                try (RandomAccessFile file = new RandomAccessFile(outbox.resolve("rewritten.bin").toFile(), "rw")) {
                    file.write("REWRITTEN IN PLACE, SAME SIZE".getBytes(StandardCharsets.UTF_8));
                }
            });
            await().atMost(DELIVERY)
                    .until(() -> Files.exists(archive().resolve("rewritten.bin")) || Files.exists(failed()));
            boolean grownWhole = Files.mismatch(archive().resolve("grown.bin"), landed.resolve("grown.bin")) == -1;
            boolean rewrittenWhole = Files.mismatch(archive().resolve("rewritten.bin"),
                    landed.resolve("rewritten.bin")) == -1;
            System.out.printf(
                    "HOSTILE INPUT SUITE (changed during upload): appended file on the server as it ended %s, "
                            + "same-size rewrite"
                            + " on the server as it ended %s, uploads %d for 2 files, quarantined %d%n",
                    grownWhole, rewrittenWhole, uploads(),
                    Files.exists(failed()) ? 1 : 0);
            assertTrue(grownWhole, "the server holds a version of grown.bin the source never had complete");
            assertTrue(rewrittenWhole, "the server holds the version of rewritten.bin from before its rewrite");
            assertEquals(size + "appended while uploading".length(), Files.size(landed.resolve("grown.bin")));
            assertFalse(Files.exists(failed()), "a changed file was quarantined:\n" + ferry.log());
            assertTrue(ferry.log().contains("changed during its upload"), ferry.log());
            try (Stream<Path> left = Files.list(landed)) {
                assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".ferry-part")).toList());
            }
        }
    }

    @Test
    void aDeliveryRecordThatCannotBeWrittenNeitherQuarantinesNorResends() throws Exception {
        start(List.of(), "upload");
        Path state = Files.createDirectories(outbox.resolve(".ferry"));
        run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", state.toString());
        cleanup.add(() -> run("umount", "-l", state.toString()));
        run("mount", "-o", "remount,ro", state.toString());
        try (FerryProcess ferry = FerryProcess.start(config)) {
            Path a = deliver("a.csv", 1000);
            Path b = deliver("b.csv", 2000);
            // a file dropped later is delivered: the route has polled again since, and would have repeated itself
            deliver("later.csv", 10);
            long recordErrors = ferry.log().lines().filter(l -> l.contains("Cannot write the delivery record")).count();
            long archived = Stream.of("a.csv", "b.csv", "later.csv").filter(n -> Files.exists(archive().resolve(n)))
                    .count();
            System.out.printf(
                    "HOSTILE INPUT SUITE (record read-only): delivered and archived %d of 3, uploads %d, quarantined "
                            + "%d, record errors %d%n",
                    archived, uploads(), Files.exists(failed()) ? 1 : 0, recordErrors);
            TestFiles.assertSameBytes(a, landed.resolve("a.csv"));
            TestFiles.assertSameBytes(b, landed.resolve("b.csv"));
            assertFalse(Files.exists(failed()), "a delivered file was quarantined:\n" + ferry.log());
            assertEquals(3, uploads(), "a delivered file was sent again");
            assertEquals(1, recordErrors, ferry.log());
        }
    }

    @Test
    void aRefusedRenameLeavesTheServersFileAsItWas() throws Exception {
        start(List.of("cmds_denied=RNTO"), "upload");
        Files.createDirectories(landed);
        run("chown", RealFtpServer.USER + ":", landed.toString());
        Path existing = TestFiles.random(landed.resolve("report.csv"), 4000, 5);
        Path kept = Files.copy(existing, tmp.resolve("kept.csv"));
        try (FerryProcess ferry = FerryProcess.start(config)) {
            TestFiles.random(outbox.resolve("report.csv"), 3000, 6);
            await().atMost(DELIVERY).until(() -> Files.exists(failed().resolve("report.csv.error")));
            String error = Files.readString(failed().resolve("report.csv.error"));
            System.out.printf(
                    "HOSTILE INPUT SUITE (RNTO refused): server's file kept %s, local file quarantined with the "
                            + "reply %s%n",
                    TestFiles.sameBytes(kept, landed.resolve("report.csv")), error.contains("550"));
            TestFiles.assertSameBytes(kept, landed.resolve("report.csv"));
            assertTrue(error.contains("550 Permission denied"), error);
            assertFalse(vsftpd.tlsLog().contains("\"DELE"), "Ferry deleted a file on the server");
        }
    }

    @Test
    void unreachablePassivePortsPauseTheTargetInsteadOfQuarantiningEveryFile() throws Exception {
        // no EPSV, and a PASV address where nothing listens: as with the passive port range firewalled
        start(List.of("cmds_denied=EPSV", "pasv_address=127.0.0.2"), "upload");
        List<Path> files = List.of(TestFiles.random(outbox.resolve("a.csv"), 100, 1),
                TestFiles.random(outbox.resolve("b.csv"), 100, 2),
                TestFiles.random(outbox.resolve("c.csv"), 100, 3));
        try (FerryProcess ferry = FerryProcess.start(config)) {
            ferry.awaitLog("Cannot open the data connection to 127.0.0.2", DELIVERY);
            long loginsBefore = logins();
            // 8 s, checked every 250 ms: no file quarantined, and readiness DOWN throughout, between logins too
            int checks = 0;
            int notReady = 0;
            for (long end = System.nanoTime() + Duration.ofSeconds(8).toNanos(); System.nanoTime() < end; checks++) {
                assertTrue(!Files.exists(failed()) && files.stream().allMatch(Files::exists), "a file left its source");
                var readiness = ferry.readiness();
                if (readiness.statusCode() == 503 && readiness.body().contains("Cannot open the data connection")) {
                    notReady++;
                }
                Thread.sleep(250); // the sampling interval of this window, not a wait for a condition
            }
            long logins = logins() - loginsBefore;
            long quarantined = Files.exists(failed()) ? Files.list(failed()).count() : 0;
            System.out.printf("HOSTILE INPUT SUITE (passive port unreachable): quarantined %d of 3 after 8 s, "
                    + "not ready %d of %d checks, logins in those 8 s %d (backoff 500 ms doubling to 3 s)%n",
                    quarantined, notReady, checks, logins);
            assertEquals(checks, notReady, "readiness must stay DOWN while every upload fails");
            // pauses of 0.5, 1, 2, 3, 3 s: at most 6 logins in 8 s; without the backoff growing, one every 0.5 s
            assertTrue(logins <= 6, logins + " logins in 8 s: the pause did not grow");
        }
    }

    @Test
    void aFifoInTheSourceDoesNotBlockTheRoute() throws Exception {
        start(List.of(), "upload");
        run("mkfifo", outbox.resolve("pipe").toString());
        // complete long ago, as far as its time goes (the JDK would open the FIFO to set it, and block)
        run("touch", "-d", "1 minute ago", outbox.resolve("pipe").toString());
        try (FerryProcess ferry = FerryProcess.start(config)) {
            Path ok = deliver("ok.csv", 100);
            // a file dropped later is delivered: the route has polled again since, and would have repeated itself
            deliver("later.csv", 10);
            long warnings = ferry.log().lines().filter(l -> l.contains("pipe is not a regular file")).count();
            System.out.printf("HOSTILE INPUT SUITE (FIFO): other file delivered %s, FIFO warned %d time(s)%n",
                    TestFiles.sameBytes(ok, landed.resolve("ok.csv")), warnings);
            assertEquals(1, warnings, ferry.log());
            assertTrue(Files.exists(outbox.resolve("pipe")));
        }
    }

    @Test
    void twoRoutesSendingOneNameToOneDirectoryNeverWriteTheSameTemporaryFile() throws Exception {
        start(List.of(), "upload-a");
        Path other = Files.createDirectories(tmp.resolve("other"));
        config.route("upload-b", other, "transfer", remoteDir);
        long size = 512L * 1024 * 1024;
        Path fromA = sparse(tmp.resolve("src-a/data.bin"), size);
        Path fromB = sparse(tmp.resolve("src-b/data.bin"), size);
        try (RandomAccessFile b = new RandomAccessFile(fromB.toFile(), "rw")) {
            b.write("ROUTE B".getBytes(StandardCharsets.UTF_8));
        }
        try (FerryProcess ferry = FerryProcess.start(config)) {
            ferry.awaitLog("Started upload-b", DELIVERY);
            Files.move(fromA, outbox.resolve("data.bin"));
            Files.move(fromB, other.resolve("data.bin"));
            await().atMost(DELIVERY).until(() -> Files.exists(archive().resolve("data.bin"))
                    && Files.exists(TestFiles.today(other.resolve(".archive")).resolve("data.bin")));
            Matcher stored = Pattern.compile("OK UPLOAD: Client \"[^\"]*\", \"[^\"]*/(\\.data\\.bin\\.[^\"/]+)\"")
                    .matcher(vsftpd.tlsLog());
            List<String> temporary = new ArrayList<>();
            while (stored.find()) {
                temporary.add(stored.group(1));
            }
            boolean whole = TestFiles.sameBytes(archive().resolve("data.bin"), landed.resolve("data.bin"))
                    || TestFiles.sameBytes(TestFiles.today(other.resolve(".archive")).resolve("data.bin"),
                            landed.resolve("data.bin"));
            System.out.printf(
                    "HOSTILE INPUT SUITE (two routes, one name): temporary names %s, final file one route's whole "
                            + "file %s%n",
                    temporary, whole);
            assertTrue(
                    temporary.contains(".data.bin.upload-a.ferry-part")
                            && temporary.contains(".data.bin.upload-b.ferry-part"),
                    temporary.toString());
            assertTrue(whole, "the server's data.bin is neither route's file");
        }
    }

    @Test
    void aServerThatTricklesItsRepliesIsCutOffAtTheDataTimeout() throws Exception {
        outbox = Files.createDirectories(tmp.resolve("outbox"));
        ServerSocket trickler = new ServerSocket(0);
        cleanup.add(trickler);
        Thread server = new Thread(() -> trickle(trickler), "trickling-server");
        server.setDaemon(true);
        server.start();
        config = new FerryConfigDir(tmp.resolve("cfg")).target("transfer", trickler.getLocalPort(), "ferry", "secret")
                .property("ferry.targets.transfer.data-timeout", "2s")
                .route("upload", outbox, "transfer", "/in");
        TestFiles.random(outbox.resolve("a.csv"), 100, 1);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            ferry.awaitLog("Started upload", DELIVERY);
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> ferry.readiness().statusCode() == 503);
            double seconds = (System.nanoTime() - start) / 1e9;
            String body = ferry.readiness().body();
            System.out.printf(
                    "HOSTILE INPUT SUITE (trickled replies): target reported DOWN after %.1f s (data-timeout 2 s)%n",
                    seconds);
            assertTrue(body.contains("did not complete its reply within 2 s"), body);
            assertTrue(Files.exists(outbox.resolve("a.csv")));
        }
    }

    @Test
    void namesTheJvmCannotDecodeAreReportedOnceAndTheOtherFilesFlow() throws Exception {
        start(List.of(), "upload");
        // a Latin-1 name under a UTF-8 locale
        run("bash", "-c", "printf x > \"$1\"$'caf\\xe9.csv'", "bash", outbox + "/");
        try (FerryProcess ferry = FerryProcess.start(config)) {
            Path ok = deliver("ok.csv", 100);
            // a file dropped later is delivered: the route has polled again since, and would have repeated itself
            deliver("later.csv", 10);
            long reports = ferry.log().lines().filter(l -> l.contains("is not valid in this JVM's file-name encoding"))
                    .count();
            System.out.printf("HOSTILE INPUT SUITE (undecodable name): reported %d time(s), other file delivered %s%n",
                    reports,
                    TestFiles.sameBytes(ok, landed.resolve("ok.csv")));
            assertEquals(1, reports, ferry.log());
            assertTrue(ferry.log().contains("convmv"), ferry.log());
            assertFalse(ferry.log().contains("no read permission"), ferry.log());
        }
    }

    @Test
    void withoutALocaleFerrySaysWhatToSetAndStillDeliversPlainNames() throws Exception {
        start(List.of(), "upload");
        TestFiles.random(outbox.resolve("日本語.csv"), 100, 3);
        try (FerryProcess ferry = FerryProcess.startWithoutLocale(config)) {
            Path ok = deliver("ok.csv", 100);
            // a file dropped later is delivered: the route has polled again since, and would have repeated itself
            deliver("later.csv", 10);
            String log = ferry.log();
            System.out.printf(
                    "HOSTILE INPUT SUITE (no locale): start-up warning %s, non-ASCII name reported %s, plain name "
                            + "delivered %s%n",
                    log.contains("Start Ferry with LANG=C.UTF-8"),
                    log.contains("is not valid in this JVM's file-name encoding"),
                    TestFiles.sameBytes(ok, landed.resolve("ok.csv")));
            if (FerryProcess.isNative()) {
                // the native binary decodes file names as UTF-8 whatever the locale: the name is simply delivered
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(landed.resolve("日本語.csv")));
                assertFalse(log.contains("File names are decoded as"), log);
                return;
            }
            assertTrue(log.contains("File names are decoded as ANSI_X3.4-1968")
                    && log.contains("Start Ferry with LANG=C.UTF-8"), log);
            assertTrue(log.contains("is not valid in this JVM's file-name encoding"), log);
            assertTrue(Files.exists(outbox.resolve("日本語.csv")));
        }
    }

    /** vsftpd requiring session reuse (TLS 1.2) with {@code extra} configuration, and one route to it. */
    private void start(List<String> extra, String routeId) throws Exception {
        vsftpd = RealFtpServer.start(Kind.VSFTPD, tmp.resolve("vsftpd"), "TLSv1.2", extra);
        cleanup.add(vsftpd);
        outbox = Files.createDirectories(tmp.resolve("outbox"));
        config = new FerryConfigDir(tmp.resolve("cfg"))
                .target("transfer", vsftpd.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                .route(routeId, outbox, "transfer", remoteDir);
    }

    /** Drops a file and waits until it is archived; returns the original. */
    private Path deliver(String name, int size) throws Exception {
        Path original = TestFiles.random(tmp.resolve("src").resolve(name), size, name.hashCode());
        Files.copy(original, outbox.resolve(name));
        await().atMost(DELIVERY).until(() -> Files.exists(archive().resolve(name)));
        return original;
    }

    /** Runs {@code change} as soon as the server shows the file's temporary name, that is during its upload. */
    private void whileUploading(String name, Change change) throws Exception {
        await().atMost(DELIVERY).pollInterval(Duration.ofMillis(5)).until(() -> {
            try (Stream<Path> files = Files.list(landed)) {
                return files.map(p -> p.getFileName().toString())
                        .anyMatch(n -> n.startsWith("." + name + ".") && n.endsWith(".ferry-part"));
            } catch (IOException e) {
                return false;
            }
        });
        change.run();
    }

    @FunctionalInterface
    private interface Change {

        void run() throws IOException;
    }

    /** Successful logins, from vsftpd's log. */
    private long logins() throws IOException {
        return vsftpd.tlsLog().lines().filter(l -> l.contains("OK LOGIN")).count();
    }

    /** Completed uploads, from vsftpd's log. */
    private int uploads() throws IOException {
        return (int) vsftpd.tlsLog().lines().filter(l -> l.contains("OK UPLOAD")).count();
    }

    private static Path sparse(Path file, long size) throws IOException {
        Files.createDirectories(file.getParent());
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.write(file.toString().getBytes(StandardCharsets.UTF_8));
            out.setLength(size);
        }
        return file;
    }

    /** A "server" that sends its greeting a byte every 300 ms, for ever: each read is quick, the reply never ends. */
    private static void trickle(ServerSocket listener) {
        while (!listener.isClosed()) {
            try (Socket client = listener.accept(); OutputStream out = client.getOutputStream()) {
                out.write("220-".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 1000; i++) {
                    out.write('.');
                    out.flush();
                    Thread.sleep(300);
                }
            } catch (IOException | InterruptedException e) {
                // the client gave up, as it should
            }
        }
    }

    private Path archive() {
        return TestFiles.today(outbox.resolve(".archive"));
    }

    private Path failed() {
        return outbox.resolve(".failed");
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + output);
    }
}
