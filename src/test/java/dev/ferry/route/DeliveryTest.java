package dev.ferry.route;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.demo.TestCertificates;
import dev.ferry.testing.Certificates;
import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.InjectServer;
import dev.ferry.testing.PrometheusText;
import dev.ferry.testing.ServerResource;
import dev.ferry.testing.TestFiles;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The application against an embedded server that, like AWS Transfer Family in ENFORCED mode, refuses any data
 * connection not resuming the control connection's TLS session: here in the test JVM, and as the packaged
 * application in {@link DeliveryIT} (the jar here, a native binary where one can be built).
 */
@QuarkusTest
@QuarkusTestResource(value = DeliveryTest.ReuseEnforcingServer.class, restrictToAnnotatedClass = true)
class DeliveryTest {

    static final Path BASE = Path.of("target", "it", "delivery").toAbsolutePath();
    static final Path OUTBOX = BASE.resolve("outbox");
    static final Path SERVER_ROOT = BASE.resolve("server");
    @InjectServer
    EmbeddedFtpsServer server;

    @TestHTTPResource("/q/health")
    URI health;

    private static final long[] SIZES = {0, 1, 4096, 1024 * 1024, 50L * 1024 * 1024};
    private static final String[] NAMES = {"report %02d.csv", "données été %02d.txt", "データ %02d.bin", "plain-%02d.dat",
            "ünïcødé %02d.bin"};

    @Test
    void fiftyFilesArriveByteIdenticalOverResumedSessionsAndAreArchived() throws IOException {
        Path staging = Files.createDirectories(BASE.resolve("staging"));
        long storesBefore = server.sessions().stores();
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
        assertEquals(50, server.sessions().stores() - storesBefore, "uploads");
        assertEquals(0, server.sessions().notResumed(), "data connections that did not resume the control session");
        assertTrue(server.sessions().resumed() >= 50, "resumed data connections: " + server.sessions().resumed());
        // max-connections is 4 by default: the large files let uploads overlap, never more than four
        int concurrent = server.mostConcurrentStores();
        assertTrue(concurrent >= 2 && concurrent <= 4, "uploads at the same time: " + concurrent);
        for (String command : List.of("APPE", "REST", "SITE", "PORT", "EPRT")) {
            assertTrue(!server.commandsSeen().contains(command),
                    command + " was sent; AWS Transfer Family does not support it");
        }
    }

    @Test
    void readinessReportsTheTargetUpByItsCheckName() throws Exception {
        // a login first: the target is known to be usable once a file went through
        Path file = TestFiles.random(BASE.resolve("staging/ready.txt"), 10, 99);
        Files.move(file, OUTBOX.resolve("ready.txt"), StandardCopyOption.ATOMIC_MOVE);
        await().atMost(Duration.ofMinutes(1))
                .until(() -> Files.exists(SERVER_ROOT.resolve("bucket/incoming/ready.txt")));
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(health + "/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonObject body = Json.createReader(new StringReader(response.body())).readObject();
        JsonObject check = body.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("ferry-targets")).findFirst()
                .orElseThrow(() -> new AssertionError(response.body()));
        assertEquals("UP", check.getString("status"), response.body());
        assertEquals("UP", check.getJsonObject("data").getString("transfer"), response.body());
    }

    @Test
    void metricsCountEachDeliveredFileAndItsBytesOverResumedSessions() throws Exception {
        String tags = "route=\"upload-outbox\",target=\"transfer\"";
        String before = get("/q/metrics", 200);
        double delivered = PrometheusText.value(before, "ferry_files_delivered_total", tags);
        double bytes = PrometheusText.value(before, "ferry_delivered_bytes_total", tags);
        double resumed = PrometheusText.value(before, "ferry_tls_data_connections_total", "resumed=\"true\"," + tags);
        long[] sizes = {0, 4096, 300_000};
        for (int i = 0; i < sizes.length; i++) {
            Path file = TestFiles.random(BASE.resolve("staging/metered-" + i + ".bin"), sizes[i], 700 + i);
            Files.move(file, OUTBOX.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        Path archive = TestFiles.today(OUTBOX.resolve(".archive"));
        await().atMost(Duration.ofMinutes(1)).until(() -> Files.exists(archive.resolve("metered-0.bin"))
                && Files.exists(archive.resolve("metered-1.bin")) && Files.exists(archive.resolve("metered-2.bin")));
        for (int i = 0; i < sizes.length; i++) {
            TestFiles.assertSameBytes(archive.resolve("metered-" + i + ".bin"),
                    SERVER_ROOT.resolve("bucket/incoming/metered-" + i + ".bin"));
        }
        // the counters move once the file is archived, after its upload: read until they have
        await().atMost(Duration.ofSeconds(10))
                .until(() -> PrometheusText.value(get("/q/metrics", 200), "ferry_files_delivered_total",
                        tags) >= delivered + 3);
        String after = get("/q/metrics", 200);
        // Camel's own exchange counters by route (docs/operations.md), kept when its per-exchange notifier is off
        assertTrue(PrometheusText.value(after, "camel_exchanges_succeeded_total",
                "camelContext=\"ferry\",eventType=\"route\",kind=\"CamelRoute\",routeId=\"upload-outbox\"") >= 3,
                after);
        assertEquals(delivered + 3, PrometheusText.value(after, "ferry_files_delivered_total", tags), after);
        assertEquals(bytes + 304_096, PrometheusText.value(after, "ferry_delivered_bytes_total", tags), after);
        assertTrue(PrometheusText.value(after, "ferry_tls_data_connections_total",
                "resumed=\"true\"," + tags) >= resumed + 3, after);
        assertEquals(0, PrometheusText.value(after, "ferry_tls_data_connections_total", "resumed=\"false\"," + tags),
                after);
    }

    @Test
    void livenessReportsTheProcessUp() throws Exception {
        JsonObject body = Json.createReader(new StringReader(get("/q/health/live", 200))).readObject();
        assertEquals("UP", body.getString("status"), body.toString());
        assertTrue(body.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .anyMatch(c -> c.getString("name").equals("ferry-process") && c.getString("status").equals("UP")),
                body.toString());
    }

    /** The body of a GET to the application's HTTP port, which must answer {@code status}. */
    private String get(String path, int status) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(health.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response.body());
        return response.body();
    }

    public static class ReuseEnforcingServer extends ServerResource {

        public ReuseEnforcingServer() {
            super(BASE);
        }

        @Override
        protected EmbeddedFtpsServer startServer(Path base) throws Exception {
            return EmbeddedFtpsServer.builder()
                    .root(SERVER_ROOT)
                    .user("shipper", "s3cret-pass")
                    .keyStore(Certificates.localhost().serverKeyStore(), TestCertificates.PASSWORD)
                    .requireSessionReuse(true)
                    .start();
        }

        @Override
        protected FerryConfigDir configure(FerryConfigDir config, EmbeddedFtpsServer server) throws Exception {
            Files.createDirectories(OUTBOX);
            return config.target("transfer", server.port(), "shipper", "s3cret-pass")
                    .route("upload-outbox", OUTBOX, "transfer", "/bucket/incoming");
        }
    }
}
