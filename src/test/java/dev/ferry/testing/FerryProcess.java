package dev.ferry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged jar run as an operator runs it: FERRY_CONFIG_DIR set, working directory the config directory. */
public final class FerryProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();

    private final Process process;
    private final Path log;

    private FerryProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Whether the processes these tests start are the native binary ({@code package -Dnative}), not the jar. */
    public static boolean isNative() throws IOException {
        return nativeBinary() != null;
    }

    /**
     * The native binary {@code package -Dnative} left in {@code target/} ({@code *-runner}; the newest, as
     * {@code deploy/install.sh} picks), if there is one and it is not older than the jar; else {@code null}, and the
     * jar is run. {@code InstallIT}'s stand-in is never taken for it.
     */
    public static Path nativeBinary() throws IOException {
        try (var files = Files.list(Path.of("target"))) {
            Path runner = files.filter(p -> p.getFileName().toString().endsWith("-runner") && Files.isExecutable(p))
                    .filter(p -> !p.getFileName().toString().endsWith("-stale-test-runner"))
                    .max(Comparator.comparing(p -> p.toFile().lastModified())).orElse(null);
            if (runner == null || Files.exists(JAR)
                    && Files.getLastModifiedTime(runner).compareTo(Files.getLastModifiedTime(JAR)) < 0) {
                return null;
            }
            return runner.toAbsolutePath();
        }
    }

    public static FerryProcess start(FerryConfigDir config) throws IOException {
        return start(config.path(), config.path(), List.of());
    }

    /** With no locale in the environment, as a minimal systemd unit or {@code env -i} starts it. */
    public static FerryProcess startWithoutLocale(FerryConfigDir config) throws IOException {
        return start(config.path(), config.path(), List.of(), true);
    }

    /**
     * @param workingDirectory where the process runs
     * @param configDir        FERRY_CONFIG_DIR, or {@code null} to leave it unset (the working directory is used)
     */
    public static FerryProcess start(Path workingDirectory, Path configDir, List<String> jvmOptions)
            throws IOException {
        return start(workingDirectory, configDir, jvmOptions, false);
    }

    private static FerryProcess start(Path workingDirectory, Path configDir, List<String> jvmOptions, boolean noLocale)
            throws IOException {
        return start(workingDirectory, configDir, jvmOptions, noLocale, List.of());
    }

    /**
     * Runs {@code ferry ARGS} ({@code check}, {@code validate}) in the config directory to its end, as an operator
     * types it.
     */
    public static Finished run(FerryConfigDir config, String... args) throws IOException, InterruptedException {
        return runIn(config.path(), config, args);
    }

    /** {@link #run} from another working directory, as an operator runs it from wherever the shell is. */
    public static Finished runIn(Path workingDirectory, FerryConfigDir config, String... args)
            throws IOException, InterruptedException {
        try (FerryProcess ferry = start(workingDirectory, config.path(), List.of(), false, List.of(args))) {
            int exit = ferry.awaitExit(Duration.ofSeconds(60));
            return new Finished(exit, ferry.log());
        }
    }

    /** How a command ended: its exit status and everything it printed (stdout and stderr). */
    public record Finished(int exit, String output) {

        @Override
        public String toString() {
            return "exit status " + exit + ", output:\n" + output;
        }
    }

    private static FerryProcess start(Path workingDirectory, Path configDir, List<String> jvmOptions, boolean noLocale,
            List<String> args) throws IOException {
        Path log = Files.createTempFile(workingDirectory.getParent(), "ferry-", ".log");
        List<String> command = new ArrayList<>();
        Path nativeBinary = nativeBinary();
        if (nativeBinary != null) {
            // what 'package -Pnative' produced: the same options, given to the binary itself
            command.add(nativeBinary.toString());
            command.add("-Xmx256m");
            command.addAll(jvmOptions);
        } else {
            assertTrue(Files.exists(JAR), JAR + " is missing: these tests run after 'package' (./mvnw verify)");
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", JAR.toString()));
        }
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("FERRY_CONFIG_DIR");
        if (noLocale) {
            builder.environment().keySet().removeIf(name -> name.equals("LANG") || name.startsWith("LC_"));
        }
        if (configDir != null) {
            builder.environment().put("FERRY_CONFIG_DIR", configDir.toString());
        }
        return new FerryProcess(builder.start(), log);
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    public void awaitLog(String fragment, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> log().contains(fragment) || !process.isAlive() && log().contains(fragment));
    }

    /** Waits for the process to end by itself (start-up failures) and returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("Ferry still running after " + timeout + "; log:\n" + log());
        }
        return process.exitValue();
    }

    /** GET /q/health/ready on the HTTP port the process logged. */
    public java.net.http.HttpResponse<String> readiness() throws IOException, InterruptedException {
        return get("/q/health/ready");
    }

    /** GET {@code path} on Ferry's HTTP port (health, metrics), once it listens. */
    public java.net.http.HttpResponse<String> get(String path) throws IOException, InterruptedException {
        awaitLog("Listening on", Duration.ofSeconds(30));
        java.util.regex.Matcher port = java.util.regex.Pattern.compile("Listening on: http://127.0.0.1:(\\d+)")
                .matcher(log());
        assertTrue(port.find(), log());
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port.group(1) + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** The checks of a health response ({@code /q/health/ready}, {@code /q/health/live}), by name. */
    public java.util.Map<String, jakarta.json.JsonObject> healthChecks(String path)
            throws IOException, InterruptedException {
        String body = get(path).body();
        try (jakarta.json.JsonReader reader = jakarta.json.Json.createReader(new java.io.StringReader(body))) {
            java.util.Map<String, jakarta.json.JsonObject> checks = new java.util.TreeMap<>();
            for (jakarta.json.JsonObject check : reader.readObject().getJsonArray("checks")
                    .getValuesAs(jakarta.json.JsonObject.class)) {
                checks.put(check.getString("name"), check);
            }
            return checks;
        }
    }

    /**
     * What the readiness check {@code ferry-targets} says about {@code target}: {@code UP}, or {@code DOWN: } and the
     * reason.
     */
    public String readinessOf(String target) throws IOException, InterruptedException {
        jakarta.json.JsonObject targets = healthChecks("/q/health/ready").get("ferry-targets");
        String state = targets == null ? null : targets.getJsonObject("data").getString(target, null);
        // while Ferry is still starting, the check names no target yet: the caller keeps polling
        return state != null ? state : "(no readiness data for target " + target + ") " + targets;
    }

    public boolean isAlive() { return process.isAlive(); }

    /** SIGKILL: no shutdown hook, no cleanup, as a power cut or the OOM killer. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** How Ferry ends on SIGTERM once its orderly stop has run ({@code TerminationSignal}). */
    public static final int SIGTERM_EXIT = 0;

    /** SIGTERM, as systemd stops it; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    /** Stops the process if needed and keeps its log under target/it-logs for whoever reads a failed build. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
        try {
            Path kept = Files.createDirectories(Path.of("target", "it-logs")).resolve(log.getFileName());
            Files.copy(log, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // the test's own assertions matter more than a copy of the log
        }
    }
}
