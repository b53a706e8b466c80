package dev.ferry.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full and read-only disks suite: the archive on a tiny full tmpfs, the failed directory on a read-only one (mounted
 * by the test; CI runs as root). The source file is never lost, the error is clear, nothing is sent twice once the
 * disk can take files again, and the route keeps running. Prints its figures.
 */
class LocalDiskIT {

    @TempDir
    Path tmp;

    private EmbeddedFtpsServer server;
    private Path outbox;
    private Path mount;
    private FerryConfigDir config;

    @BeforeEach
    void start() throws Exception {
        server = TestServers.embedded(tmp.resolve("server")).start();
        outbox = Files.createDirectories(tmp.resolve("outbox"));
        mount = Files.createDirectories(tmp.resolve("small-disk"));
        run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString());
        config = new FerryConfigDir(tmp.resolve("cfg")).target("transfer", server.port(), "ferry", "secret")
                .property("ferry.retry.local-failure-delay", "1s");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        run("umount", "-l", mount.toString());
    }

    @Test
    void fullArchiveDiskKeepsDeliveredFilesInTheSourceAndArchivesThemLaterWithoutResending() throws Exception {
        Path archive = mount.resolve("archive");
        config.route("upload", outbox, "transfer", "/in", "archive", archive.toString());
        Files.createDirectories(archive);
        Path filler = TestFiles.random(mount.resolve("filler"), 200 * 1024, 1);
        AuditLog audit = config.audit();
        try (FerryProcess ferry = FerryProcess.start(config)) {
            Path first = TestFiles.random(tmp.resolve("src/first.bin"), 100 * 1024, 2);
            Files.copy(first, outbox.resolve("first.bin"));
            // delivered, and held in the source once the archive move failed
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> audit.with("delivered", "first.bin").size() == 1
                            && ferry.log().contains("first.bin was delivered but cannot be moved to the archive"));
            TestFiles.assertSameBytes(first, tmp.resolve("server/in/first.bin"));
            TestFiles.assertSameBytes(first, outbox.resolve("first.bin"));

            // the route keeps running: a small file fits and goes through
            Path second = TestFiles.random(tmp.resolve("src/second.bin"), 1024, 3);
            Files.copy(second, outbox.resolve("second.bin"));
            Path day = TestFiles.today(archive);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(day.resolve("second.bin")));

            Files.delete(filler);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(day.resolve("first.bin")));
            long errorLines = ferry.log().lines().filter(l -> l.contains("first.bin was delivered but cannot be moved"))
                    .count();
            System.out.printf(
                    "LOCAL DISK SUITE (archive full): uploads %d for 2 files, error lines %d, first.bin archived "
                            + "after space returned %s%n",
                    server.sessions().stores(), errorLines, Files.exists(day.resolve("first.bin")));
            assertEquals(2, server.sessions().stores(), "a delivered file was sent again");
            TestFiles.assertSameBytes(first, day.resolve("first.bin"));
            assertTrue(errorLines >= 1 && errorLines <= 40, "error lines: " + errorLines);
            assertEquals(1, audit.with("delivered", "first.bin").size(), "delivered once, audited once: " + audit);
            assertEquals(List.of(), audit.with("skipped"), "this run's own delivery is not skipped: " + audit);
        }
    }

    @Test
    void readOnlyFailedDirectoryKeepsTheFileInTheSourceUntilItCanBeQuarantined() throws Exception {
        Path failed = mount.resolve("failed");
        Files.createDirectories(failed);
        run("mount", "-o", "remount,ro", mount.toString());
        server.readOnly("/locked");
        config.route("upload", outbox, "transfer", "/locked", "failed", failed.toString());
        Path file = TestFiles.random(tmp.resolve("src/doomed.csv"), 500, 4);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            Files.copy(file, outbox.resolve("doomed.csv"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> ferry.log().contains("but cannot be moved to the failed directory"));
            boolean stayedInSource = TestFiles.sameBytes(file, outbox.resolve("doomed.csv"));
            assertTrue(stayedInSource, "the file left its source although it could not be quarantined");
            run("mount", "-o", "remount,rw", mount.toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(failed.resolve("doomed.csv.error")));
            System.out.printf(
                    "LOCAL DISK SUITE (failed directory read-only): in source until writable %s, quarantined with "
                            + "report %s%n",
                    stayedInSource, Files.exists(failed.resolve("doomed.csv.error")));
            TestFiles.assertSameBytes(file, failed.resolve("doomed.csv"));
            assertTrue(Files.readString(failed.resolve("doomed.csv.error")).contains("553"));
        }
    }

    @Test
    void aDamagedDeliveryRecordOnAFullDiskOnlyWarnsAndFilesAreStillDelivered() throws Exception {
        Path source = Files.createDirectories(mount.resolve("outbox"));
        config.route("upload", source, "transfer", "/in");
        // a torn last line (a crash mid-write): loading it is due a rewrite, which a full disk refuses
        Path record = Files.createDirectories(source.resolve(".ferry")).resolve("delivered");
        Files.writeString(record, "0badc0de v2|transfer|/in|gone.csv|12");
        Path file = TestFiles.random(tmp.resolve("src/late.csv"), 3000, 5);
        Files.copy(file, source.resolve("late.csv"));
        fill(mount);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            Path archived = TestFiles.today(source.resolve(".archive")).resolve("late.csv");
            await().atMost(Duration.ofSeconds(30)).until(() -> !ferry.isAlive() || Files.exists(archived));
            assertTrue(ferry.isAlive(), "Ferry did not start with a damaged record on a full disk: " + ferry.log());
            TestFiles.assertSameBytes(file, tmp.resolve("server/in/late.csv"));
            TestFiles.assertSameBytes(file, archived);
            assertTrue(ferry.log().contains("1 damaged line(s) ignored (0 intact)"), ferry.log());
            assertTrue(ferry.log().contains("Cannot rewrite the delivery record " + record), ferry.log());
            System.out.printf("LOCAL DISK SUITE (damaged record, disk full): started, delivered and archived %s%n",
                    Files.exists(archived));
        }
    }

    /** Writes into the disk until it is full. */
    private static void fill(Path disk) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(disk.resolve("filler"))) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(),
                String.join(" ", command) + " failed (these tests need root, as CI has): " + output);
    }
}
