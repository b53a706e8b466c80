package dev.ferry.route;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.demo.TestCertificates;
import dev.ferry.testing.Certificates;
import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.TestFiles;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged application against an embedded server that, like AWS Transfer Family in ENFORCED mode, refuses any
 * data connection not resuming the control connection's TLS session.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = DeliveryIT.ReuseEnforcingServer.class, restrictToAnnotatedClass = true)
class DeliveryIT {

    static final Path BASE = Path.of("target", "it", "delivery").toAbsolutePath();
    static final Path OUTBOX = BASE.resolve("outbox");
    static final Path SERVER_ROOT = BASE.resolve("server");
    static EmbeddedFtpsServer server;

    private static final long[] SIZES = { 0, 1, 4096, 1024 * 1024, 50L * 1024 * 1024 };
    private static final String[] NAMES = { "report %02d.csv", "données été %02d.txt", "データ %02d.bin", "plain-%02d.dat", "ünïcødé %02d.bin" };

    @Test
    void fiftyFilesArriveByteIdenticalOverResumedSessionsAndAreArchived() throws IOException {
        Path staging = Files.createDirectories(BASE.resolve("staging"));
        List<Path> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String name = String.format(NAMES[i % NAMES.length], i);
            expected.add(TestFiles.random(staging.resolve(name), SIZES[i % SIZES.length], i));
        }
        for (Path file : expected) {
            // as an application should: written elsewhere, then moved in whole
            Files.move(file, OUTBOX.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        Path archive = TestFiles.today(OUTBOX.resolve(".archive"));
        Path remote = SERVER_ROOT.resolve("bucket/incoming");

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> expected.stream().allMatch(f -> Files.exists(archive.resolve(f.getFileName()))));

        for (Path file : expected) {
            Path original = archive.resolve(file.getFileName());
            TestFiles.assertSameBytes(original, remote.resolve(file.getFileName()));
        }
        try (Stream<Path> left = Files.list(OUTBOX)) {
            assertEquals(List.of(), left.filter(Files::isRegularFile).toList(), "files left in the outbox");
        }
        try (Stream<Path> onServer = Files.list(remote)) {
            assertEquals(List.of(), onServer.filter(p -> p.getFileName().toString().endsWith(".ferry-part")).toList(),
                    "temporary names left on the server");
        }
        assertEquals(50, server.sessions().stores(), "uploads");
        assertEquals(0, server.sessions().notResumed(), "data connections that did not resume the control session");
        assertTrue(server.sessions().resumed() >= 50, "resumed data connections: " + server.sessions().resumed());
        for (String command : List.of("APPE", "REST", "SITE", "PORT", "EPRT")) {
            assertTrue(!server.commandsSeen().contains(command), command + " was sent; AWS Transfer Family does not support it");
        }
    }

    public static class ReuseEnforcingServer implements QuarkusTestResourceLifecycleManager {

        @Override
        public Map<String, String> start() {
            try {
                deleteRecursively(BASE);
                Files.createDirectories(OUTBOX);
                server = EmbeddedFtpsServer.builder()
                        .root(SERVER_ROOT)
                        .user("shipper", "s3cret-pass")
                        .keyStore(Certificates.localhost().serverKeyStore(), TestCertificates.PASSWORD)
                        .requireSessionReuse(true)
                        .start();
                FerryConfigDir config = new FerryConfigDir(BASE.resolve("cfg"))
                        .target("transfer", server.port(), "shipper", "s3cret-pass")
                        .route("upload-outbox", OUTBOX, "transfer", "/bucket/incoming");
                return Map.of("ferry.config-dir", config.path().toString());
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the embedded FTPS server", e);
            }
        }

        @Override
        public void stop() {
            if (server != null) {
                server.close();
            }
        }

        private static void deleteRecursively(Path dir) throws IOException {
            if (!Files.exists(dir)) {
                return;
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
