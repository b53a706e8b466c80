package dev.ferry.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's small version ({@code bench/run --quick}): every scenario runs against the packaged jar, lftp,
 * rclone and curl on a local vsftpd requiring session reuse, the bytes on the server are checked after every run,
 * and the table comes out, so the benchmark keeps working. Its figures are not judged here: speed is shown by the
 * full run (bench/README.md).
 */
class BenchIT {

    @TempDir
    Path tmp;

    @Test
    void theQuickBenchmarkRunsEveryScenarioAndChecksTheBytes() throws Exception {
        Path out = tmp.resolve("bench.out");
        Process bench = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "bench/Bench.java", "--quick", "--jar", "target/quarkus-app/quarkus-run.jar")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(bench.waitFor(10, TimeUnit.MINUTES), "the quick benchmark took over 10 minutes");
        String output = Files.readString(out, StandardCharsets.UTF_8);
        System.out.println(output);
        assertEquals(0, bench.exitValue(), output);
        for (String row : List.of("| S1 ", "| S1-slow ", "| S2 ", "| S3 ", "| S4 ", "| S5 ",
                "| commands per file", "| CPU per file, ms (user + sys): S1 60 x 4 KiB, 1 connection ",
                "| CPU per file, ms (user + sys): S1-slow ")) {
            assertTrue(output.contains(row), "no row " + row + " in\n" + output);
        }
        // every tool's CPU per file measured: Ferry in both upload modes, lftp, rclone (curl: a number too)
        String cpu = output.lines().filter(l -> l.startsWith("| CPU per file, ms (user + sys): S1 60 x 4 KiB, 1 "))
                .findFirst().orElseThrow(() -> new AssertionError(output));
        assertTrue(
                cpu.matches("\\| [^|]+\\| \\d+\\.\\d\\d \\| \\d+\\.\\d\\d \\| \\d+\\.\\d\\d \\| \\d+\\.\\d\\d \\|.*"),
                cpu);
        String s1 = output.lines().filter(l -> l.startsWith("| S1 60 x 4 KiB, 1 connection")).findFirst()
                .orElseThrow(() -> new AssertionError(output));
        // Ferry, lftp and rclone each delivered every file byte for byte (a failed check ends the run non-zero)
        assertTrue(s1.matches("\\| [^|]+\\| \\d+ \\| \\d+ \\| \\d+ \\|.*"), s1);
        // the delaying proxy counts the replies each tool waited for: with commands sent together a file costs Ferry
        // 3 in direct mode (150, 226, SIZE with the next EPSV) and 4 with a rename, against 4 and 6 one by one
        String trips = output.lines()
                .filter(l -> l.startsWith("| round trips per file (replies waited for): S1-slow ")
                        && l.contains(" 1 connection"))
                .findFirst().orElseThrow(() -> new AssertionError(output));
        String[] cells = trips.split("\\|");
        double ferry = Double.parseDouble(cells[2].trim());
        double direct = Double.parseDouble(cells[3].trim());
        assertTrue(direct < 3.5 && ferry < 4.5, "replies waited for per file, temp-rename and direct: " + trips);
        assertTrue(cells[4].trim().matches("\\d+\\.\\d\\d"), "lftp's round trips: " + trips);
    }
}
