package dev.ferry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.ferry.cli.FerryMain;
import dev.ferry.testing.BuildTimeInitialisation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps Ferry native-ready without a native build: nothing a class initialised while the image is built holds or
 * reads may be the build machine's (see {@link BuildTimeInitialisation}). The fixtures in {@code testing/buildtime}
 * show each kind of mistake is found.
 */
class BuildTimeInitialisationTest {

    @Test
    void noClassOfFerryHoldsOrReadsAtBuildTimeWhatMustComeFromTheHostItRunsOn() throws Exception {
        Path classes = Path.of(FerryMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        long compiled;
        try (Stream<Path> files = Files.walk(classes.resolve("dev/ferry"))) {
            compiled = files.filter(f -> f.toString().endsWith(".class")).count();
        }

        BuildTimeInitialisation.Result result = BuildTimeInitialisation.check(classes, "dev/ferry/",
                getClass().getClassLoader());

        assertEquals(List.of(), result.findings());
        assertEquals(compiled, result.classesChecked());
        assertTrue(compiled > 100, compiled + " classes");
    }

    @Test
    void aStaticSeededRandomIsFound() throws Exception {
        assertOneFinding(fixture("HoldsARandom"),
                "dev.ferry.testing.buildtime.HoldsARandom.IDS holds a java.security.SecureRandom: "
                        + "a seeded random");
    }

    @Test
    void aThreadInsideTheProjectsOwnObjectsIsFound() throws Exception {
        assertOneFinding(fixture("HoldsAThread"),
                "dev.ferry.testing.buildtime.HoldsAThread.WORKERS holds a java.lang.Thread at "
                        + "dev.ferry.testing.buildtime.HoldsAThread.WORKERS[..].thread: a thread");
    }

    @Test
    void aClockReadThroughAHelperIsFound() throws Exception {
        assertOneFinding(fixture("ReadsTheClock"),
                "dev.ferry.testing.buildtime.ReadsTheClock's static initialiser (through "
                        + "dev.ferry.testing.buildtime.ReadsTheClock.now) calls java.lang.System.currentTimeMillis");
    }

    @Test
    void theEnvironmentReadIntoAConstantIsFound() throws Exception {
        assertOneFinding(fixture("ReadsTheEnvironment"),
                "dev.ferry.testing.buildtime.ReadsTheEnvironment's static initialiser calls "
                        + "java.lang.System.getenv");
    }

    @Test
    void constantsThatAreTheSameEverywhereAreFine() throws Exception {
        assertEquals(List.of(), fixture("HoldsConstants"));
    }

    private static List<String> fixture(String name) throws Exception {
        Path classes = Path.of(BuildTimeInitialisationTest.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        BuildTimeInitialisation.Result result = BuildTimeInitialisation.check(classes,
                "dev/ferry/testing/buildtime/" + name, BuildTimeInitialisationTest.class.getClassLoader());
        assertTrue(result.classesChecked() > 0, "no fixture " + name);
        return result.findings();
    }

    private static void assertOneFinding(List<String> findings, String start) {
        assertEquals(1, findings.size(), findings::toString);
        assertTrue(findings.get(0).startsWith(start), findings.get(0));
    }
}
