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
 * Keeps Ferry native-ready without a native build: nothing one of its classes holds or reads while the image is
 * built may be the build machine's (see {@link BuildTimeInitialisation}, and what it does not follow). The fixtures
 * in {@code testing/buildtime} show each kind of finding: a held random, a thread behind the project's objects, a
 * map, an array, an optional, an atomic reference, an enum constant or an inherited field, a random drawn into a
 * primitive, the clock read through a helper, the environment, a system property read by an inherited method, and a
 * class that cannot be initialised.
 */
class BuildTimeInitialisationTest {

    private static final String FIXTURES = "dev.ferry.testing.buildtime.";

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
    void aStaticSeededRandomIsFoundWhereItIsMadeAndWhereItIsHeld() throws Exception {
        assertFindings(fixture("HoldsARandom"),
                FIXTURES + "HoldsARandom's static initialiser calls java.security.SecureRandom.<init>: it seeds",
                FIXTURES + "HoldsARandom.IDS holds a java.security.SecureRandom: a seeded random");
    }

    @Test
    void aRandomDrawnIntoAPrimitiveIsFound() throws Exception {
        assertFindings(fixture("DrawsARandom"),
                FIXTURES + "DrawsARandom's static initialiser calls java.security.SecureRandom.<init>");
    }

    @Test
    void aThreadInsideTheProjectsOwnObjectsIsFound() throws Exception {
        assertFindings(fixture("HoldsAThread"), FIXTURES + "HoldsAThread.WORKERS holds a java.lang.Thread at "
                + FIXTURES + "HoldsAThread.WORKERS[..].thread: a thread");
    }

    @Test
    void aThreadBehindAMapAnArrayAnOptionalAndAnAtomicReferenceIsFound() throws Exception {
        assertFindings(fixture("HoldsThroughContainers"), FIXTURES + "HoldsThroughContainers.TABLE holds a "
                + "java.lang.Thread at " + FIXTURES + "HoldsThroughContainers.TABLE[workers][0].get().get(): a thread");
    }

    @Test
    void aThreadInAnEnumConstantIsFoundOnce() throws Exception {
        assertFindings(fixture("HoldsInAnEnum"),
                FIXTURES + "HoldsInAnEnum.ONE holds a java.lang.Thread at " + FIXTURES + "HoldsInAnEnum.ONE.thread");
    }

    @Test
    void aThreadInAnInheritedFieldIsFound() throws Exception {
        assertFindings(fixture("InheritsAThread"), FIXTURES + "InheritsAThread.INSTANCE holds a java.lang.Thread at "
                + FIXTURES + "InheritsAThread.INSTANCE.thread");
    }

    @Test
    void aClockReadThroughAHelperIsFound() throws Exception {
        assertFindings(fixture("ReadsTheClock"), FIXTURES + "ReadsTheClock's static initialiser (through "
                + FIXTURES + "ReadsTheClock.now) calls java.lang.System.currentTimeMillis");
    }

    @Test
    void theEnvironmentReadIntoAConstantIsFound() throws Exception {
        assertFindings(fixture("ReadsTheEnvironment"),
                FIXTURES + "ReadsTheEnvironment's static initialiser calls java.lang.System.getenv");
    }

    @Test
    void aPropertyReadByAnInheritedMethodIsFound() throws Exception {
        assertFindings(fixture("ReadsThroughAnInheritedMethod"), FIXTURES + "ReadsThroughAnInheritedMethod's static "
                + "initialiser (through " + FIXTURES + "ReadsThroughAnInheritedMethod.home) calls "
                + "java.lang.System.getProperty");
    }

    @Test
    void aClassThatCannotBeInitialisedIsFound() throws Exception {
        assertFindings(fixture("CannotBeInitialised"), FIXTURES + "CannotBeInitialised cannot be initialised");
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

    /** Exactly as many findings as {@code starts}, one starting with each. */
    private static void assertFindings(List<String> findings, String... starts) {
        assertEquals(starts.length, findings.size(), findings::toString);
        for (String start : starts) {
            assertTrue(findings.stream().anyMatch(f -> f.startsWith(start)), "no finding " + start + " in " + findings);
        }
    }
}
