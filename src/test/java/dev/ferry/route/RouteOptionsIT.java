package dev.ferry.route;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.ferry.demo.Demo;
import dev.ferry.demo.EmbeddedFtpsServer;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Route parameters and target options that change what is picked up and how it is written. */
class RouteOptionsIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private EmbeddedFtpsServer server;
    private FerryConfigDir config;

    @BeforeEach
    void start() throws Exception {
        server = TestServers.embedded(tmp.resolve("server")).start();
        config = new FerryConfigDir(tmp.resolve("cfg")).target("transfer", server.port(), "ferry", "secret");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void recursiveKeepsRelativePathsAndIncludeFiltersByName() throws Exception {
        Path source = Files.createDirectories(tmp.resolve("spool"));
        Path archive = Path.of(tmp.resolve("kept").toString());
        config.route("upload-spool", source, "transfer", "/in", "recursive", "true", "include", "*.csv", "archive",
                archive.toString());
        Path nested = TestFiles.random(source.resolve("2026/eu/sales.csv"), 5000, 1);
        Path top = TestFiles.random(source.resolve("top.csv"), 10, 2);
        Path ignored = TestFiles.random(source.resolve("2026/notes.txt"), 10, 3);
        Path hidden = TestFiles.random(source.resolve(".partial.csv"), 10, 4);
        List<byte[]> contents = List.of(Files.readAllBytes(nested), Files.readAllBytes(top));
        try (FerryProcess ferry = FerryProcess.start(config)) {
            Path day = TestFiles.today(archive);
            await().atMost(DELIVERY).until(
                    () -> Files.exists(day.resolve("2026/eu/sales.csv")) && Files.exists(day.resolve("top.csv")));
            assertEquals(-1,
                    Files.mismatch(day.resolve("2026/eu/sales.csv"), tmp.resolve("server/in/2026/eu/sales.csv")));
            assertTrue(java.util.Arrays.equals(contents.get(0),
                    Files.readAllBytes(tmp.resolve("server/in/2026/eu/sales.csv"))));
            assertTrue(java.util.Arrays.equals(contents.get(1), Files.readAllBytes(tmp.resolve("server/in/top.csv"))));
            assertTrue(Files.exists(ignored), "a file not matching include was moved");
            assertTrue(Files.exists(hidden), "a hidden file was picked up");
            assertFalse(Files.exists(tmp.resolve("server/in/2026/notes.txt")));
            assertEquals(2, server.sessions().stores());
        }
    }

    @Test
    void oneConnectionSendsTheFilesOldestFirst() throws Exception {
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        config.property("ferry.targets.transfer.max-connections", "1").route("upload", outbox, "transfer", "in");
        List<String> expected = new java.util.ArrayList<>();
        java.time.Instant oldest = java.time.Instant.now().minusSeconds(3600);
        for (int i = 0; i < 20; i++) {
            // names that do not sort like their age: the order must come from the modification times
            String name = "f" + ((i * 7) % 20) + ".txt";
            Path file = TestFiles.random(outbox.resolve(name), 100, i);
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(oldest.plusSeconds(i)));
            expected.add("." + name + ".upload.ferry-part");
        }
        try (FerryProcess ferry = FerryProcess.start(config)) {
            await().atMost(DELIVERY).until(() -> server.storeOrder().size() == 20);
        }
        assertEquals(expected, server.storeOrder().stream().map(p -> p.substring(p.lastIndexOf('/') + 1)).toList());
        assertEquals(1, server.mostConcurrentStores());
    }

    @Test
    void aSmallFileCostsFiveCommandsWithATemporaryNameAndThreeWithout() throws Exception {
        Path temp = Files.createDirectories(tmp.resolve("temp"));
        Path direct = Files.createDirectories(tmp.resolve("direct"));
        config.property("ferry.targets.transfer.max-connections", "1").route("temp", temp, "transfer", "/in/a/b")
                .target("plain", server.port(), "ferry", "secret")
                .property("ferry.targets.plain.upload-mode", "direct")
                .property("ferry.targets.plain.max-connections", "1").route("direct", direct, "plain", "out/c");
        try (FerryProcess ferry = FerryProcess.start(config)) {
            for (Path source : List.of(temp, direct)) {
                // two files first: the login, and the remote directory's creation, after which the client walks
                // into it once more before it knows the directory is there
                for (String name : List.of("first.txt", "second.txt")) {
                    TestFiles.random(source.resolve(name), 10, 1);
                    await().atMost(DELIVERY).until(() -> !Files.exists(source.resolve(name)));
                }
                int before = server.commandLog().size();
                for (int i = 0; i < 10; i++) {
                    TestFiles.random(tmp.resolve("staging/f" + i + ".txt"), 100, i);
                    Files.move(tmp.resolve("staging/f" + i + ".txt"), source.resolve("f" + i + ".txt"));
                }
                await().atMost(DELIVERY).until(() -> noFilesIn(source));
                List<String> commands = server.commandLog().subList(before, server.commandLog().size());
                // a NOOP checks a connection that has been silent for a second: at most once here
                assertTrue(commands.stream().filter("NOOP"::equals).count() <= 1, commands.toString());
                Map<String, Long> counts = commands.stream().filter(c -> !c.equals("NOOP"))
                        .collect(Collectors.groupingBy(c -> c, TreeMap::new, Collectors.counting()));
                Map<String, Long> expected = source == temp
                        ? Map.of("EPSV", 10L, "STOR", 10L, "SIZE", 10L, "RNFR", 10L, "RNTO", 10L)
                        : Map.of("EPSV", 10L, "STOR", 10L, "SIZE", 10L);
                assertEquals(new TreeMap<>(expected), counts, source + ": " + commands);
            }
        }
    }

    /**
     * Directory names that mean something in a URI (valid S3 keys) never go into one: the route and {@code ferry
     * check} use them exactly as written, absolute and relative, in both upload modes; and a directory named like one
     * of the route's own objects ({@code delivery}) is only a directory.
     */
    @Test
    void aRemoteDirectoryIsUsedExactlyAsWritten() throws Exception {
        String absolute = "/in box/a#1%20&b=$c{d}?e";
        String relative = "delivery";
        Path temp = Files.createDirectories(tmp.resolve("temp"));
        Path direct = Files.createDirectories(tmp.resolve("direct"));
        config.route("temp", temp, "transfer", absolute).target("plain", server.port(), "ferry", "secret")
                .property("ferry.targets.plain.upload-mode", "direct").route("direct", direct, "plain", relative);

        FerryProcess.Finished check = FerryProcess.run(config, "check");
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.output().contains(absolute + " (route temp): created the directory"), check.toString());
        assertTrue(check.output().contains(relative + " (route direct): created the directory"), check.toString());

        try (FerryProcess ferry = FerryProcess.start(config)) {
            Path tempFile = TestFiles.random(tmp.resolve("staging/one.bin"), 70_000, 1);
            Path directFile = TestFiles.random(tmp.resolve("staging/two.bin"), 80_000, 2);
            Files.move(tempFile, temp.resolve("one.bin"));
            Files.move(directFile, direct.resolve("two.bin"));
            await().atMost(DELIVERY).until(() -> noFilesIn(temp) && noFilesIn(direct));
        }
        TestFiles.assertSameBytes(TestFiles.today(temp.resolve(".archive")).resolve("one.bin"),
                tmp.resolve("server").resolve(absolute.substring(1)).resolve("one.bin"));
        TestFiles.assertSameBytes(TestFiles.today(direct.resolve(".archive")).resolve("two.bin"),
                tmp.resolve("server").resolve(relative).resolve("two.bin"));
        try (var inBox = Files.list(tmp.resolve("server/in box"))) {
            assertEquals(List.of("a#1%20&b=$c{d}?e"), inBox.map(p -> p.getFileName().toString()).toList(),
                    "one directory, named as written, and no temporary or check file left in it");
        }
        try (var left = Files.list(tmp.resolve("server").resolve(absolute.substring(1)))) {
            assertEquals(List.of("one.bin"), left.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void directModeWritesTheFinalNameOnly() throws Exception {
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        config.property("ferry.targets.transfer.upload-mode", "direct").route("upload", outbox, "transfer", "in");
        Path file = TestFiles.random(tmp.resolve("src/direct.bin"), 2_000_000, 5);
        try (FerryProcess ferry = FerryProcess.start(config)) {
            Files.copy(file, outbox.resolve("direct.bin"));
            await().atMost(DELIVERY).until(
                    () -> Files.exists(outbox.resolve(".archive")) && !Files.exists(outbox.resolve("direct.bin")));
            TestFiles.assertSameBytes(file, tmp.resolve("server/in/direct.bin"));
            assertFalse(ferry.log().contains(".ferry-part"), "direct mode used a temporary name:\n" + ferry.log());
            try (var names = Files.list(tmp.resolve("server/in"))) {
                assertEquals(List.of("direct.bin"), names.map(p -> p.getFileName().toString()).toList());
            }
        }
    }

    @Test
    void theRepositoryDemoConfigurationRunsAsTheReadmeSays() throws Exception {
        server.close();
        Path work = Files.createDirectories(tmp.resolve("checkout"));
        Files.copy(Path.of("application.properties"), work.resolve("application.properties"));
        Files.createDirectories(work.resolve("routes"));
        try (var routes = Files.list(Path.of("routes"))) {
            for (Path route : routes.toList()) {
                Files.copy(route, work.resolve("routes").resolve(route.getFileName()));
            }
        }
        // what ./mvnw -q exec:java@demo does: the demo's server, then the packaged jar in the checkout
        try (EmbeddedFtpsServer demo = Demo.startServer(work);
                FerryProcess ferry = FerryProcess.start(work, null, List.of("-Dquarkus.http.port=0"))) {
            ferry.awaitLog("Started upload-outbox", DELIVERY);
            Path file = TestFiles.random(tmp.resolve("src/hello.txt"), 321, 6);
            Files.copy(file, work.resolve("demo/outbox/hello.txt"));
            Path day = TestFiles.today(work.resolve("demo/outbox/.archive"));
            await().atMost(DELIVERY).until(() -> Files.exists(day.resolve("hello.txt")));
            TestFiles.assertSameBytes(file, work.resolve("demo/server/incoming/hello.txt"));
            // the demo's server refuses data connections that do not resume the session: the bytes prove it resumed
            assertEquals(0, demo.sessions().notResumed(), "data connections the demo's server refused");
            // it plays Transfer Family on S3, and the demo's target says storage=s3: one object, one workflow
            assertEquals(List.of("incoming/hello.txt"), demo.onUploads());
            assertTrue(ferry.log().contains("TLSv1.2"), ferry.log());
            assertFalse(demo.commandsSeen().contains("RNTO"), demo.commandLog().toString());
        }
    }

    private static boolean noFilesIn(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.noneMatch(Files::isRegularFile);
        }
    }
}
