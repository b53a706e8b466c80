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

import jakarta.json.Json;
import jakarta.json.JsonObject;

import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.demo.EmbeddedFtpsServer.Storage;
import dev.ferry.demo.StorageEvent;
import dev.ferry.demo.StorageEvent.Kind;
import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.InjectServer;
import dev.ferry.testing.ServerResource;
import dev.ferry.testing.TestFiles;
import dev.ferry.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A route with {@code storage=s3} against the Transfer Family twin on S3, as an operator of Transfer Family runs it:
 * what S3 and the managed workflows see of each file. Here in the test JVM, and as the packaged application in
 * {@link TransferFamilyRouteIT}; the twin's faults are in {@link TransferFamilyIT}.
 */
@QuarkusTest
@QuarkusTestResource(value = TransferFamilyRouteTest.Twin.class, restrictToAnnotatedClass = true)
class TransferFamilyRouteTest {

    static final Path BASE = Path.of("target", "it", "transfer-family-route").toAbsolutePath();
    static final Path OUTBOX = BASE.resolve("outbox");
    static final Path BUCKET = BASE.resolve("bucket");
    private static final Duration DELIVERY = Duration.ofMinutes(3);
    private static final long[] SIZES = {0, 1, 4096, 1024 * 1024, 8L * 1024 * 1024};
    private static final String[] NAMES = {"report %02d.csv", "données été %02d.txt", "データ %02d.bin", "plain-%02d.dat",
            "ünïcødé %02d.bin"};

    @InjectServer
    EmbeddedFtpsServer twin;

    @TestHTTPResource("/q/health/ready")
    URI ready;

    @Test
    void eachFileIsOneStorToItsFinalNameAndStartsOneWorkflow() throws Exception {
        List<Path> files = new ArrayList<>();
        Path staging = Files.createDirectories(BASE.resolve("staging"));
        for (int i = 0; i < 50; i++) {
            files.add(TestFiles.random(staging.resolve(String.format(NAMES[i % NAMES.length], i)),
                    SIZES[i % SIZES.length], i));
        }
        int commandsBefore = twin.commandLog().size();
        int eventsBefore = twin.storageEvents().size();
        long started = System.nanoTime();
        for (Path file : files) {
            Files.move(file, OUTBOX.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        Path archive = TestFiles.today(OUTBOX.resolve(".archive"));
        await().atMost(DELIVERY).until(() -> files.stream()
                .allMatch(f -> Files.exists(archive.resolve(f.getFileName()))));
        double seconds = (System.nanoTime() - started) / 1e9;

        List<String> expectedWorkflows = new ArrayList<>();
        for (Path file : files) {
            Path archived = archive.resolve(file.getFileName());
            TestFiles.assertSameBytes(archived, BUCKET.resolve("in/daily").resolve(file.getFileName()));
            if (Files.size(archived) > 0) {
                expectedWorkflows.add("in/daily/" + file.getFileName());
            }
        }
        List<StorageEvent> events = twin.storageEvents().subList(eventsBefore, twin.storageEvents().size());
        List<String> commands = twin.commandLog().subList(commandsBefore, twin.commandLog().size());
        long stores = commands.stream().filter("STOR"::equals).count();
        long renames = commands.stream().filter(c -> c.equals("RNFR") || c.equals("RNTO")).count();
        long copies = count(events, Kind.OBJECT_COPIED);
        long partial = count(events, Kind.ON_PARTIAL_UPLOAD);
        long hiddenKeys = events.stream().filter(e -> e.key().substring(e.key().lastIndexOf('/') + 1)
                .startsWith(".")).count();
        List<String> workflows = events.stream().filter(e -> e.kind() == Kind.ON_UPLOAD).map(StorageEvent::key)
                .sorted().toList();
        System.out.printf("TRANSFER FAMILY (twin, S3, storage=s3): files %d (10 empty) in %.1f s, STOR %d, "
                + "RNFR/RNTO %d, OnUpload %d, OnPartialUpload %d, object copies %d, temporary keys %d%n",
                files.size(), seconds, stores, renames, workflows.size(), partial, copies, hiddenKeys);
        assertEquals(files.size(), stores, commands.toString());
        assertEquals(0, renames, "renames on S3");
        assertEquals(0, copies, "object copies");
        assertEquals(0, partial, "partial uploads");
        assertEquals(0, hiddenKeys, "temporary keys");
        // exactly one workflow per delivered file, on its final name; none for the empty ones
        assertEquals(expectedWorkflows.stream().sorted().toList(), workflows);
        assertEquals("UP", readiness().getString("transfer"));
    }

    /** What the readiness check {@code ferry-targets} says, by target. */
    private JsonObject readiness() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
        JsonObject body = Json.createReader(new StringReader(response.body())).readObject();
        return body.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("ferry-targets")).findFirst()
                .orElseThrow(() -> new AssertionError(response.body())).getJsonObject("data");
    }

    private static long count(List<StorageEvent> events, Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).count();
    }

    /** The twin playing Transfer Family on S3, and one route to it with {@code storage=s3}. */
    public static class Twin extends ServerResource {

        public Twin() {
            super(BASE);
        }

        @Override
        protected EmbeddedFtpsServer startServer(Path base) throws Exception {
            return TestServers.embedded(BUCKET).transferFamily(Storage.S3).start();
        }

        @Override
        protected FerryConfigDir configure(FerryConfigDir config, EmbeddedFtpsServer twin) throws Exception {
            Files.createDirectories(OUTBOX);
            return config.target("transfer", twin.port(), TestServers.USER, TestServers.PASSWORD)
                    .property("ferry.targets.transfer.storage", "s3")
                    .route("upload-daily", OUTBOX, "transfer", "/in/daily");
        }
    }
}
