package dev.ferry.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code deploy/ferry.service} as systemd sees it, offline (no systemd runs here): {@code systemd-analyze verify}
 * accepts it, and {@code systemd-analyze security} scores its exposure at 1.5 or below, with and without the native
 * drop-in. The unit lies in a root of its own that holds systemd's units and a launcher where the unit expects it.
 */
class ServiceUnitIT {

    private static final double MAX_EXPOSURE = 1.5;

    @TempDir
    Path root;

    @Test
    void theUnitVerifiesAndItsExposureIsAtMostOnePointFive() throws Exception {
        Path units = installUnit();
        Result verify = run("systemd-analyze", "verify", "--root=" + root, units.resolve("ferry.service").toString());
        assertEquals(0, verify.status, verify.output);
        assertEquals("", verify.output.trim(), "systemd-analyze verify complained");
        assertTrue(exposure() <= MAX_EXPOSURE, "exposure above " + MAX_EXPOSURE);
    }

    @Test
    void theNativeDropInKeepsTheExposureAndForbidsWritableCode() throws Exception {
        Path units = installUnit();
        Path dropIns = Files.createDirectories(units.resolve("ferry.service.d"));
        Files.copy(Path.of("deploy/ferry.service.d/native.conf"), dropIns.resolve("native.conf"));
        assertTrue(exposure() <= MAX_EXPOSURE, "exposure above " + MAX_EXPOSURE);
        Result security = run("systemd-analyze", "security", "--offline=true", "--root=" + root, "ferry.service");
        assertTrue(security.output.lines().anyMatch(l -> l.contains("MemoryDenyWriteExecute=") && l.contains("✓")),
                security.output);
    }

    private Path installUnit() throws IOException {
        Path units = Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.copy(Path.of("deploy/ferry.service"), units.resolve("ferry.service"));
        Path system = Path.of("/usr/lib/systemd/system");
        Path target = Files.createDirectories(root.resolve("usr/lib/systemd/system"));
        try (Stream<Path> files = Files.list(system)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Path launcher = Files.createDirectories(root.resolve("opt/ferry/bin")).resolve("ferry");
        Files.writeString(launcher, "#!/bin/sh\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return units;
    }

    private double exposure() throws Exception {
        Result security = run("systemd-analyze", "security", "--offline=true", "--root=" + root, "ferry.service");
        Matcher m = Pattern.compile("Overall exposure level for ferry.service: ([0-9.]+)").matcher(security.output);
        assertTrue(m.find(), security.output);
        System.out.println("SERVICE UNIT: exposure " + m.group(1));
        return Double.parseDouble(m.group(1));
    }

    private record Result(int status, String output) {
    }

    private static Result run(String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        return new Result(process.exitValue(), output);
    }
}
