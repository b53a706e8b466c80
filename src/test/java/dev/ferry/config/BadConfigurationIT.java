package dev.ferry.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.FerryProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each bad configuration stops the packaged jar at start-up with one message naming the file and key at fault. */
class BadConfigurationIT {

    @TempDir
    Path tmp;

    private FerryConfigDir config;
    private Path outbox;

    @BeforeEach
    void validStart() throws Exception {
        config = new FerryConfigDir(tmp.resolve("cfg"));
        outbox = Files.createDirectories(tmp.resolve("outbox"));
    }

    @Test
    void missingHost() throws Exception {
        config.property("ferry.targets.site.port", "2121").property("ferry.targets.site.username", "u")
                .property("ferry.targets.site.password", "p")
                .route("upload", outbox, "site", "/in");
        assertFailsWith("ferry.targets.site.host");
    }

    @Test
    void hostThatWouldAddEndpointOptions() throws Exception {
        config.target("site", 2121, "u", "p").property("ferry.targets.site.host", "localhost?ftpClient=#other")
                .route("upload", outbox, "site", "/in");
        assertFailsWith("ferry.targets.site.host is not a host name or IP address");
    }

    @Test
    void usernameWithALineBreak() throws Exception {
        config.target("site", 2121, "u", "p").property("ferry.targets.site.username", "u\\r\\nDELE x")
                .route("upload", outbox, "site", "/in");
        assertFailsWith("ferry.targets.site.username holds a line break");
    }

    @Test
    void unknownTargetInRoute() throws Exception {
        config.target("site", 2121, "u", "p").route("upload", outbox, "elsewhere", "/in");
        assertFailsWith("routes/upload.yaml: parameter target: unknown target 'elsewhere'; configured targets: site");
    }

    @Test
    void missingRequiredParameter() throws Exception {
        config.target("site", 2121, "u", "p").routeFile("upload.yaml", """
                - templatedRoute:
                    routeTemplateRef: ftps-upload
                    routeId: upload
                    parameters:
                      - name: source
                        value: "%s"
                      - name: target
                        value: site
                """.formatted(outbox));
        assertFailsWith(
                "routes/upload.yaml: Route template ftps-upload the following mandatory parameters must be provided: "
                        + "remoteDir");
    }

    @Test
    void unknownParameter() throws Exception {
        config.target("site", 2121, "u", "p").route("upload", outbox, "site", "/in", "archiveDir", "/tmp/x");
        assertFailsWith("routes/upload.yaml: parameter 'archiveDir' is not one of ftps-upload's");
    }

    @Test
    void missingSourceDirectory() throws Exception {
        config.target("site", 2121, "u", "p").route("upload", tmp.resolve("nowhere"), "site", "/in");
        assertFailsWith("routes/upload.yaml: source directory " + tmp.resolve("nowhere") + " does not exist");
    }

    @Test
    void unreadableSourceDirectory() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain-file"), "not a directory");
        config.target("site", 2121, "u", "p").route("upload", file, "site", "/in");
        assertFailsWith("routes/upload.yaml: source " + file + " is not a directory");
    }

    @Test
    void malformedYaml() throws Exception {
        config.target("site", 2121, "u", "p").routeFile("upload.yaml",
                "- templatedRoute:\n    routeTemplateRef: [ftps-upload\n  oops: :\n");
        assertFailsWith("routes/upload.yaml: ");
    }

    @Test
    void yamlThatIsNotAList() throws Exception {
        config.target("site", 2121, "u", "p").routeFile("upload.yaml",
                "templatedRoute:\n  routeTemplateRef: ftps-upload\n");
        assertFailsWith("routes/upload.yaml");
    }

    @Test
    void passwordFileMissing() throws Exception {
        config.target("site", 2121, "u", "p")
                .property("ferry.targets.site.password-file", tmp.resolve("no-secret").toString())
                .route("upload", outbox, "site", "/in");
        assertFailsWith("ferry.targets.site.password-file: " + tmp.resolve("no-secret") + " does not exist");
    }

    @Test
    void emptyRoutesDirectory() throws Exception {
        config.target("site", 2121, "u", "p");
        assertFailsWith("holds no .yaml route file");
    }

    @Test
    void duplicateRouteIds() throws Exception {
        config.target("site", 2121, "u", "p").route("upload", outbox, "site", "/in");
        Path other = Files.createDirectories(tmp.resolve("other"));
        config.routeFile("again.yaml", Files.readString(config.path().resolve("routes/upload.yaml"))
                .replace(outbox.toString(), other.toString()));
        assertFailsWith("routes/upload.yaml: routeId 'upload' is already used by routes/again.yaml");
    }

    @Test
    void duplicateRouteIdsInOneFile() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("other"));
        String route = """
                - templatedRoute:
                    routeTemplateRef: ftps-upload
                    routeId: upload
                    parameters:
                      - name: source
                        value: "%s"
                      - name: target
                        value: site
                      - name: remoteDir
                        value: /in
                """;
        config.target("site", 2121, "u", "p").routeFile("upload.yaml",
                route.formatted(outbox) + route.formatted(other));
        assertFailsWith("routes/upload.yaml: routeId 'upload' is used twice in this file");
    }

    @Test
    void twoRoutesOnOneSource() throws Exception {
        config.target("site", 2121, "u", "p").route("upload", outbox, "site", "/in").route("again", outbox, "site",
                "/other");
        assertFailsWith(
                "routes/upload.yaml: source " + outbox + " overlaps the source " + outbox + " of routes/again.yaml");
    }

    @Test
    void invalidRetryPolicy() throws Exception {
        config.target("site", 2121, "u", "p").property("ferry.retry.attempts", "0").route("upload", outbox, "site",
                "/in");
        assertFailsWith("ferry.retry.attempts must be 1 or more (the first attempt included)");
    }

    @Test
    void negativeSummaryInterval() throws Exception {
        config.target("site", 2121, "u", "p").property("ferry.log.summary-interval", "-1s")
                .route("upload", outbox, "site", "/in");
        assertFailsWith("ferry.log.summary-interval must be 0 (no summary lines) or at least 1ms, e.g. 1m");
    }

    @Test
    void portOutOfRange() throws Exception {
        config.target("site", 70000, "u", "p").route("upload", outbox, "site", "/in");
        assertFailsWith("ferry.targets.site.port must be a TCP port (1-65535)");
    }

    @Test
    void noApplicationProperties() throws Exception {
        Files.delete(config.path().resolve("application.properties"));
        assertFailsWith("No application.properties in the config directory " + config.path());
    }

    @Test
    void unknownKeyUnderFerry() throws Exception {
        config.target("site", 2121, "u", "p").property("ferry.targets.site.pasword-file", "/tmp/x").route("upload",
                outbox, "site", "/in");
        assertFailsWith("ferry.targets.site.pasword-file");
    }

    @Test
    void remoteDirWithABackslash() throws Exception {
        config.target("site", 2121, "u", "p").route("upload", outbox, "site", "/in\\x");
        assertFailsWith("routes/upload.yaml: parameter 'remoteDir' = '/in\\x' holds '\\', which cannot be sent");
    }

    /** Beans in a route file could stand in for Ferry's own objects, in Camel's registry or in the route. */
    @Test
    void routeFileWithBeans() throws Exception {
        config.target("site", 2121, "u", "p").route("upload", outbox, "site", "/in");
        String route = Files.readString(config.path().resolve("routes/upload.yaml"));
        config.routeFile("upload.yaml", route.replace("    routeId: upload\n", """
                    routeId: upload
                    beans:
                      - name: delivery
                        type: "#class:java.lang.Object"
                """));
        assertFailsWith("routes/upload.yaml: item 1: 'beans' is not accepted in a templatedRoute");
        config.routeFile("upload.yaml", route + """
                - beans:
                    - name: other
                      type: "#class:java.lang.Object"
                """);
        assertFailsWith("routes/upload.yaml: item 2 is 'beans': a route file only instantiates the template");
    }

    @Test
    void templatedRouteOfAnotherTemplate() throws Exception {
        // Camel loads an unknown template from the file its parameter location names: routes Ferry never checked
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere.yaml"), """
                - route:
                    from:
                      uri: "file:%s"
                      steps:
                        - to: "log:taken"
                """.formatted(outbox));
        config.target("site", 2121, "u", "p").routeFile("upload.yaml", """
                - templatedRoute:
                    routeTemplateRef: elsewhere
                    routeId: upload
                    parameters:
                      - name: location
                        value: "file:%s"
                """.formatted(elsewhere));
        assertFailsWith("routes/upload.yaml: item 1: routeTemplateRef is 'elsewhere'; a route file instantiates the"
                + " template ftps-upload only");
    }

    @Test
    void templatedRouteWithoutRouteId() throws Exception {
        config.target("site", 2121, "u", "p").route("upload", outbox, "site", "/in");
        config.routeFile("upload.yaml", Files.readString(config.path().resolve("routes/upload.yaml"))
                .replace("    routeId: upload\n", ""));
        assertFailsWith("routes/upload.yaml: item 1 has no routeId");
    }

    @Test
    void sourceThatWouldEndTheEndpointPath() throws Exception {
        Path odd = Files.createDirectories(tmp.resolve("odd#dir"));
        config.target("site", 2121, "u", "p").route("upload", odd, "site", "/in");
        assertFailsWith("routes/upload.yaml: parameter 'source' = '" + odd + "' holds '#'");
    }

    @Test
    void remoteDirWithALineBreak() throws Exception {
        config.target("site", 2121, "u", "p").route("upload", outbox, "site", "/in\r\nDELE x");
        assertFailsWith("parameter 'remoteDir' = '/in\\r\\nDELE x' holds '\\r'");
    }

    @Test
    void passwordFileOfMoreThanOneLine() throws Exception {
        config.target("site", 2121, "u", "p").route("upload", outbox, "site", "/in");
        Files.writeString(config.path().resolve("site.password"), "secret\nDELE victim.csv\n");
        assertFailsWith("ferry.targets.site.password-file: " + config.path().resolve("site.password")
                + " holds more than one line");
    }

    private void assertFailsWith(String message) throws Exception {
        try (FerryProcess ferry = FerryProcess.start(config)) {
            int exit = ferry.awaitExit(Duration.ofSeconds(60));
            String log = ferry.log();
            assertTrue(exit != 0, "exit code " + exit + "; log:\n" + log);
            assertTrue(log.contains(message), "expected '" + message + "' in:\n" + log);
            assertFalse(log.contains("\tat "), "a stack trace instead of one message:\n" + log);
            assertFalse(log.contains("Started "), "routes started despite the bad configuration:\n" + log);
        }
    }
}
