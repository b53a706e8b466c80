package dev.ferry.route;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import dev.ferry.ftps.RemoteDir;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A route file's parameters as the template receives them: defaults, spellings, and every refusal naming the key. */
class RouteParametersTest {

    private static final String FILE = "routes/upload.yaml";

    @Test
    void theRequiredThreeAndTheTemplatesDefaultsMakeARoute() {
        RouteParameters route = parse(Map.of("source", "/data/outbox", "target", "transfer", "remoteDir", "/incoming",
                "include", "*", "recursive", "false", "stableFor", "1s"));
        assertEquals(Path.of("/data/outbox"), route.source());
        assertEquals("transfer", route.target());
        assertEquals(new RemoteDir(true, "incoming"), route.remoteDir());
        assertNull(route.include(), "'*' takes every file");
        assertFalse(route.recursive());
        assertEquals(Path.of("/data/outbox/.archive"), route.archive());
        assertEquals(Path.of("/data/outbox/.failed"), route.failed());
        assertEquals(Duration.ofSeconds(1), route.stableFor());
    }

    @Test
    void kebabCaseNamesAndPlaceholdersAreAccepted() {
        Map<String, Object> raw = new HashMap<>(Map.of("source", "{{outbox}}", "target", "t", "remote-dir", "in/sub/",
                "stable-for", "500ms", "archive", "/srv/archive/../kept"));
        RouteParameters route = RouteParameters.parse(FILE, raw, value -> value.replace("{{outbox}}", "/data/out"));
        assertEquals(Path.of("/data/out"), route.source());
        assertEquals(new RemoteDir(false, "in/sub"), route.remoteDir(),
                "relative to the login directory");
        assertEquals("in/sub", route.remoteDir().toString());
        assertEquals(Duration.ofMillis(500), route.stableFor());
        assertEquals(Path.of("/srv/kept"), route.archive());
    }

    @Test
    void aRemoteDirHasOneMeaningWhereverItIsUsed() {
        assertEquals(new RemoteDir(true, "a/b"), RemoteDir.of("//a//b/"));
        assertEquals("/a/b", RemoteDir.of("//a//b/").toString());
        assertEquals(new RemoteDir(true, ""), RemoteDir.of("/"));
    }

    @Test
    void theIncludeGlobMatchesWholeNamesCaseInsensitively() {
        RouteParameters route = parse(
                Map.of("source", "/s", "target", "t", "remoteDir", "/in", "include", "report-?.CSV"));
        assertTrue(route.include().matcher("Report-1.csv").matches());
        assertFalse(route.include().matcher("report-10.csv").matches());
        assertFalse(route.include().matcher("xreport-1.csv").matches());
        assertFalse(route.include().matcher("report-1xcsv").matches(), "everything but * and ? is literal");
        assertTrue(parse(Map.of("source", "/s", "target", "t", "remoteDir", "/in", "include", "a+b(1).txt")).include()
                .matcher("a+b(1).txt").matches());
    }

    @Test
    void anUnknownParameterIsRefusedWithTheListOfKnownOnes() {
        String message = refusal(Map.of("source", "/s", "target", "t", "remoteDir", "/in", "archiveDir", "/a"));
        assertEquals(FILE
                + ": parameter 'archiveDir' is not one of ftps-upload's: archive, failed, include, recursive, "
                + "remoteDir, source,"
                + " stableFor, target", message);
    }

    @Test
    void aMissingOrBlankRequiredParameterIsNamed() {
        assertEquals(FILE + ": parameter 'remoteDir' is required",
                refusal(Map.of("source", "/s", "target", "t", "remoteDir", " ")));
        assertEquals(FILE + ": parameter 'target' is required", refusal(Map.of("source", "/s", "remoteDir", "/in")));
    }

    /** Valid S3 keys and directory names: the remote directory never goes into an endpoint URI. */
    @ParameterizedTest
    @ValueSource(strings = {"/in?ftpClient=#other", "/in&binary=false", "/in#x", "/in%0d", "/in{x}", "/in${x}",
            "/my bucket/in box"})
    void aRemoteDirIsUsedAsWritten(String remoteDir) {
        RouteParameters route = RouteParameters.parse(FILE,
                Map.of("source", "/s", "target", "t", "remoteDir", remoteDir), UnaryOperator.identity());
        assertEquals(remoteDir, route.remoteDir().toString());
        assertEquals(remoteDir.substring(1), route.remoteDir().path());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/in\\x", "/in\r\nDELE x", "/in\nx", "/in\u0085x", "/in\u2028x", "/in\u0000x"})
    void aRemoteDirThatCannotBeSentAsOneArgumentIsRefused(String remoteDir) {
        String message = refusal(Map.of("source", "/s", "target", "t", "remoteDir", remoteDir));
        assertTrue(message.startsWith(FILE + ": parameter 'remoteDir' = '"), message);
        assertTrue(message.contains("which cannot be sent to a server as part of a directory name"), message);
        assertFalse(message.contains("\r") || message.contains("\n"),
                "the message itself must stay on one line: " + message);
    }

    @Test
    void aSourceThatCouldChangeTheEndpointIsRefused() {
        assertTrue(refusal(Map.of("source", "/data/a#b", "target", "t", "remoteDir", "/in"))
                .startsWith(FILE + ": parameter 'source' = '/data/a#b' holds '#'"));
    }

    @Test
    void badFlagsAndDurationsAreNamed() {
        assertEquals(FILE + ": parameter 'recursive' must be true or false, not 'yes'",
                refusal(Map.of("source", "/s", "target", "t", "remoteDir", "/in", "recursive", "yes")));
        assertEquals(FILE + ": parameter 'stableFor' must be a duration such as 500ms, 1s or 2m, not 'soon'",
                refusal(Map.of("source", "/s", "target", "t", "remoteDir", "/in", "stableFor", "soon")));
        assertEquals(FILE + ": parameter 'stableFor' must be a duration such as 500ms, 1s or 2m, not '-1'",
                refusal(Map.of("source", "/s", "target", "t", "remoteDir", "/in", "stableFor", "-1")));
    }

    private static RouteParameters parse(Map<String, Object> raw) {
        return RouteParameters.parse(FILE, raw, UnaryOperator.identity());
    }

    private static String refusal(Map<String, Object> raw) {
        return assertThrows(ConfigurationException.class, () -> parse(raw)).getMessage();
    }
}
