package dev.ferry.route;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.testing.AuditLog;
import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.InjectServer;
import dev.ferry.testing.ServerResource;
import dev.ferry.testing.TestFiles;
import dev.ferry.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a route picks up and what it leaves alone, against the embedded server that requires session reuse: a file
 * still being written is sent once, whole; a file nobody may read and a symbolic link are left where they are, each
 * reported once as skipped; awkward names arrive as they are. Here in the test JVM, and as the packaged application
 * in {@link PickupIT}. Outcomes are read from the audit trail and the server's files, not from log text.
 */
@QuarkusTest
@QuarkusTestResource(value = PickupTest.Server.class, restrictToAnnotatedClass = true)
class PickupTest {

    static final Path BASE = Path.of("target", "it", "pickup").toAbsolutePath();
    static final Path OUTBOX = BASE.resolve("outbox");
    static final Path REMOTE = BASE.resolve("server/in");
    static final AuditLog AUDIT = AuditLog.at(BASE.resolve("audit.jsonl"));
    private static final Duration DELIVERY = Duration.ofSeconds(60);
    @InjectServer
    EmbeddedFtpsServer server;

    @Test
    void aFileStillBeingAppendedToIsSentWholeOnceStable() throws Exception {
        Path growing = OUTBOX.resolve("growing.log");
        int storesBefore = server.sessions().stores();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try {
            byte[] chunk = new byte[64 * 1024];
            writer.scheduleAtFixedRate(() -> {
                try (OutputStream out = Files.newOutputStream(growing, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND)) {
                    out.write(chunk);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
            // growing for about four seconds, through many polls, each time younger than stableFor (2 s)
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.size(growing) >= 20L * chunk.length);
        } finally {
            writer.shutdown();
            assertTrue(writer.awaitTermination(5, TimeUnit.SECONDS));
        }
        long finalSize = Files.size(growing);
        Path archived = archive().resolve("growing.log");
        await().atMost(DELIVERY).until(() -> Files.exists(archived));
        System.out.printf("PICKUP: growing file of %d bytes sent %d time(s), remote size %d%n", finalSize,
                server.sessions().stores() - storesBefore, Files.size(REMOTE.resolve("growing.log")));
        assertEquals(finalSize, Files.size(archived));
        TestFiles.assertSameBytes(archived, REMOTE.resolve("growing.log"));
        assertEquals(1, server.sessions().stores() - storesBefore, "sent before it was complete");
        assertEquals(1, AUDIT.with("delivered", "growing.log").size(), AUDIT.toString());
    }

    @Test
    void aFileDatedInTheFutureIsSentOnceItIsStable() throws Exception {
        // a host with a skewed clock, or tar and rsync -t from one: stable means unchanged as Ferry observes it
        Path staging = Files.createDirectories(BASE.resolve("future"));
        Path file = TestFiles.random(staging.resolve("tomorrow.csv"), 4000, 7);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plus(Duration.ofDays(1))));
        int storesBefore = server.sessions().stores();
        Files.move(file, OUTBOX.resolve("tomorrow.csv"), StandardCopyOption.ATOMIC_MOVE);
        Path archived = archive().resolve("tomorrow.csv");
        await().atMost(DELIVERY).until(() -> Files.exists(archived));
        TestFiles.assertSameBytes(archived, REMOTE.resolve("tomorrow.csv"));
        assertEquals(1, server.sessions().stores() - storesBefore);
        assertEquals(1, AUDIT.with("delivered", "tomorrow.csv").size(), AUDIT.toString());
    }

    @Test
    void unreadableFilesAndSymbolicLinksAreLeftAloneAndReportedOnce() throws Exception {
        int storesBefore = server.sessions().stores();
        Path staging = Files.createDirectories(BASE.resolve("staging"));
        Path secret = TestFiles.random(staging.resolve("secret.csv"), 10, 1);
        // mode 000: left alone even when Ferry runs as root, who could read it
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        Path elsewhere = TestFiles.random(BASE.resolve("elsewhere/real.csv"), 10, 2);
        Path link = Files.createSymbolicLink(OUTBOX.resolve("link.csv"), elsewhere);
        Files.move(secret, OUTBOX.resolve("secret.csv"), StandardCopyOption.ATOMIC_MOVE);
        deliver("ok.csv");
        // later polls, which would report them again
        deliver("later.csv");
        deliver("last.csv");
        System.out.printf("PICKUP: mode-000 file skipped %d time(s), symbolic link skipped %d time(s), sent %d of 5%n",
                AUDIT.with("skipped", "secret.csv").size(), AUDIT.with("skipped", "link.csv").size(),
                server.sessions().stores() - storesBefore);
        assertEquals(1, AUDIT.with("skipped", "secret.csv").size(), AUDIT.toString());
        assertTrue(AUDIT.with("skipped", "secret.csv").get(0).getString("reason").contains("no read permission"),
                AUDIT.toString());
        assertEquals(1, AUDIT.with("skipped", "link.csv").size(), AUDIT.toString());
        assertTrue(AUDIT.with("skipped", "link.csv").get(0).getString("reason").contains("symbolic link"),
                AUDIT.toString());
        assertTrue(Files.exists(OUTBOX.resolve("secret.csv")) && Files.isSymbolicLink(link) && Files.exists(elsewhere));
        assertTrue(Files.notExists(REMOTE.resolve("secret.csv")) && Files.notExists(REMOTE.resolve("link.csv")));
        assertEquals(3, server.sessions().stores() - storesBefore, "ok.csv, later.csv and last.csv only");
    }

    @Test
    void awkwardNamesAndEmptyFilesArriveAsTheyAre() throws Exception {
        List<String> names = List.of("-rf.csv", "empty.txt", "with  two spaces.txt", "日本語のファイル.csv",
                "n".repeat(251) + ".csv");
        Path staging = Files.createDirectories(BASE.resolve("awkward"));
        for (int i = 0; i < names.size(); i++) {
            TestFiles.random(staging.resolve(names.get(i)), names.get(i).equals("empty.txt") ? 0 : 1000 + i, i);
        }
        for (String name : names) {
            Files.move(staging.resolve(name), OUTBOX.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        }
        await().atMost(DELIVERY).until(() -> names.stream().allMatch(n -> Files.exists(archive().resolve(n))));
        for (String name : names) {
            TestFiles.assertSameBytes(archive().resolve(name), REMOTE.resolve(name));
            assertEquals(1, AUDIT.with("delivered", name).size(), name + ": " + AUDIT);
        }
        System.out.printf("PICKUP: %d awkward names (leading dash, empty, 255 bytes, non-ASCII) delivered%n",
                names.size());
    }

    @Test
    void aFileChangedAfterItsUploadIsSentAgainAsItIsNowNotArchivedAsSent() throws Exception {
        int storesBefore = server.sessions().stores();
        dropAndChangeWhileItsRenameWaits("changed-late.csv", 41, file -> Files.writeString(file,
                "appended after the upload\n", StandardOpenOption.APPEND));
        Path archived = archive().resolve("changed-late.csv");
        await().atMost(DELIVERY).until(() -> Files.exists(archived));
        System.out.printf("PICKUP: file changed after its upload sent %d time(s), server's copy as archived %s%n",
                server.sessions().stores() - storesBefore,
                TestFiles.sameBytes(archived, REMOTE.resolve("changed-late.csv")));
        // what the archive holds is what the server has: the version as it ended, sent once more
        TestFiles.assertSameBytes(archived, REMOTE.resolve("changed-late.csv"));
        assertEquals(10_000 + "appended after the upload\n".length(), Files.size(archived));
        assertEquals(2, server.sessions().stores() - storesBefore);
        assertEquals(2, AUDIT.with("delivered", "changed-late.csv").size(), AUDIT.toString());
    }

    @Test
    void aFileWhoseMetadataAloneChangedAfterItsUploadIsArchivedNotSentAgain() throws Exception {
        int storesBefore = server.sessions().stores();
        // a new status-change time, the same bytes (as chmod, chown, a hard link or a virus scanner's xattr do)
        dropAndChangeWhileItsRenameWaits("chmodded.csv", 42,
                file -> Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----")));
        Path archived = archive().resolve("chmodded.csv");
        await().atMost(DELIVERY).until(() -> Files.exists(archived));
        TestFiles.assertSameBytes(archived, REMOTE.resolve("chmodded.csv"));
        assertEquals(1, server.sessions().stores() - storesBefore, "sent again for a change of its mode alone");
    }

    /**
     * Drops a 10,000-byte file and applies {@code change} to it once it is uploaded and size-checked, while the server
     * holds its rename: after the upload, before Ferry would archive it.
     */
    private void dropAndChangeWhileItsRenameWaits(String name, long seed, Change change) throws Exception {
        Path file = TestFiles.random(BASE.resolve("late").resolve(name), 10_000, seed);
        server.holdRenames(true);
        try {
            Files.move(file, OUTBOX.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            await().atMost(DELIVERY).until(() -> server.renamesHeld() == 1);
            change.apply(OUTBOX.resolve(name));
        } finally {
            server.holdRenames(false);
        }
    }

    @FunctionalInterface
    private interface Change {

        void apply(Path file) throws IOException;
    }

    /** Drops a 10-byte file and waits until it is archived. */
    private static void deliver(String name) throws IOException {
        Path file = TestFiles.random(BASE.resolve("staging").resolve(name), 10, name.hashCode());
        Files.move(file, OUTBOX.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        await().atMost(DELIVERY).until(() -> Files.exists(archive().resolve(name)));
    }

    private static Path archive() {
        return TestFiles.today(OUTBOX.resolve(".archive"));
    }

    /** The embedded server requiring session reuse, one route to it, and the audit trail in a file of its own. */
    public static class Server extends ServerResource {

        public Server() {
            super(BASE);
        }

        @Override
        protected EmbeddedFtpsServer startServer(Path base) throws Exception {
            return TestServers.embedded(base.resolve("server")).requireSessionReuse(true).start();
        }

        @Override
        protected FerryConfigDir configure(FerryConfigDir config, EmbeddedFtpsServer server) throws Exception {
            Files.createDirectories(OUTBOX);
            return config.target("transfer", server.port(), TestServers.USER, TestServers.PASSWORD)
                    .route("upload-pickup", OUTBOX, "transfer", "/in", "stableFor", "2s");
        }

        @Override
        protected Map<String, String> properties() {
            return AuditLog.handlerAt(AUDIT.file());
        }
    }
}
