import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Ferry side by side with lftp, rclone and curl, on the same files and the same local vsftpd that requires TLS session
 * reuse (as AWS Transfer Family does), with the bytes on the server checked (SHA-256) after every run. A second
 * vsftpd sits behind a delaying TCP proxy on 127.0.0.2 that holds each control-connection reply back (20 ms by
 * default): a server that writes to S3 before it answers. Run as root from the repository: {@code bench/run}, or
 * {@code bench/run --quick} for the seconds-long version the test suite runs. Prints a markdown table of medians.
 */
public class Bench {

    static final String USER = "ferrybench";
    static final String PASSWORD = "Bench-4f1a!pass";
    static final Path HOME = Path.of("/home", USER);

    static boolean quick;
    static int runs = 3;
    static int delayMs = 20;
    static Set<String> only = Set.of();
    static Path work;
    static Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
    /** The native binary to run instead of the jar ({@code --native target/ferry-*-runner}), or null. */
    static Path binary;
    static final List<Process> children = new ArrayList<>();
    static final Map<String, Map<String, String>> table = new LinkedHashMap<>();
    static final List<String> notes = new ArrayList<>();
    static int failures;

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> {
                    quick = true;
                    runs = 1;
                }
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--delay-ms" -> delayMs = Integer.parseInt(args[++i]);
                case "--only" -> only = Set.of(args[++i].split(","));
                case "--jar" -> jar = Path.of(args[++i]).toAbsolutePath();
                case "--native" -> binary = Path.of(args[++i]).toAbsolutePath();
                default -> {
                    System.err.println("usage: bench/run [--quick] [--runs N] [--delay-ms MS] [--only S1,S1-slow,S2,S3,S4,S5]"
                            + " [--jar path/to/quarkus-run.jar | --native path/to/ferry-runner]");
                    System.exit(2);
                }
            }
        }
        if (binary != null && System.getenv("FERRY_BENCH_JVM_OPTIONS") != null) {
            System.err.println("bench: FERRY_BENCH_JVM_OPTIONS is for the jar; the native binary runs without it");
        }
        if (binary != null && !Files.isExecutable(binary)) {
            fail("no native binary at " + binary + ": run ./mvnw package -Dnative -DskipTests first");
        } else if (binary == null && !Files.isRegularFile(jar)) {
            fail("no packaged Ferry at " + jar + ": run ./mvnw -q package -DskipTests first");
        }
        for (String tool : List.of("vsftpd", "lftp", "rclone", "curl", "openssl", "useradd", "chpasswd")) {
            if (which(tool) == null) {
                fail(tool + " is missing: apt-get install vsftpd lftp rclone curl openssl");
            }
        }
        work = Files.createTempDirectory("ferry-bench.");
        Runtime.getRuntime().addShutdownHook(new Thread(Bench::stopChildren));
        try {
            Servers servers = Servers.start();
            Scenarios scenarios = new Scenarios(servers);
            scenarios.runAll();
            print();
        } finally {
            stopChildren();
            if (System.getenv("KEEP_BENCH") == null) {
                deleteTree(work);
            } else {
                System.out.println("work directory kept: " + work);
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    // ---------------------------------------------------------------- scenarios

    static final class Scenarios {
        final Servers servers;
        final int s1Files = quick ? 60 : 1000;
        // 200, not 1,000: at 20 ms a reply, a thousand files take minutes per tool and run; the per-file cost is the point
        final int slowFiles = quick ? 20 : 200;
        final long s2Bytes = quick ? 64L << 20 : 1L << 30;
        final long s3Bytes = quick ? 256L << 20 : 10L << 30;
        final int s4Files = quick ? 8 : 100;
        final int s5Files = quick ? 2000 : 100_000;

        Scenarios(Servers servers) {
            this.servers = servers;
        }

        boolean wanted(String name) {
            return only.isEmpty() || only.contains(name);
        }

        void runAll() throws Exception {
            if (wanted("S1")) {
                Path files = smallFiles("s1", s1Files, 4096);
                for (int connections : new int[]{1, 4}) {
                    String row = "S1 " + s1Files + " x 4 KiB, " + connections + " connection" + (connections > 1 ? "s" : "")
                            + " (files/s)";
                    compareSmall(row, files, servers.direct, connections, connections == 1);
                }
            }
            if (wanted("S1-slow")) {
                Path files = smallFiles("slow", slowFiles, 4096);
                // 4 is Ferry's default max-connections
                for (int connections : quick ? new int[]{1, 8} : new int[]{1, 4, 8}) {
                    String row = "S1-slow " + slowFiles + " x 4 KiB, " + delayMs + " ms per reply, " + connections
                            + " connection" + (connections > 1 ? "s" : "") + " (files/s)";
                    compareSmall(row, files, servers.slow, connections, false);
                }
            }
            if (wanted("S2")) {
                s2();
            }
            if (wanted("S3")) {
                s3();
            }
            if (wanted("S4")) {
                s4();
            }
            if (wanted("S5")) {
                s5();
            }
        }

        /**
         * One row of small files: files/s, and a row of CPU per file (user + system time of the whole process: Ferry's
         * from {@code /proc/<pid>/stat} across the run, each peer's from its shell's {@code times}), with Ferry in both
         * upload modes.
         */
        void compareSmall(String row, Path files, Server server, int connections, boolean countCommands)
                throws Exception {
            compare(row, files, server, connections, countCommands, count(files), true);
        }

        void s2() throws Exception {
            Path dir = Files.createDirectories(work.resolve("s2"));
            Path big = dir.resolve("one.bin");
            randomFile(big, s2Bytes, 2);
            old(big);
            compare("S2 one file of " + human(s2Bytes) + " (MB/s)", dir, servers.direct, 1, false, s2Bytes / 1e6,
                    false);
        }

        /**
         * Each tool sends the same files {@code runs} times, the tools taking turns; the median of {@code work} per
         * second. Ferry runs as a service does: started once, warmed up with one unmeasured pass, then handed the
         * files of each run in an idle outbox; the peers start afresh for each run, as they are used. With
         * {@code small}, Ferry also runs in direct upload mode (what {@code storage=s3} sets) and the CPU per file of
         * every tool is recorded.
         */
        void compare(String row, Path files, Server server, int connections, boolean countCommands, double work,
                boolean small) throws Exception {
            int count = count(files);
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            Map<String, List<Double>> cpu = new LinkedHashMap<>();
            Map<String, String> commands = new LinkedHashMap<>();
            Map<String, List<Double>> roundTrips = new LinkedHashMap<>();
            Map<Tool, Ferry> ferries = new LinkedHashMap<>();
            try {
                ferries.put(Tool.FERRY, Ferry.start(server, "r-ferry", connections, null, false, "temp-rename"));
                if (small) {
                    ferries.put(Tool.FERRY_DIRECT, Ferry.start(server, "r-ferry_direct", connections, null, false,
                            "direct"));
                }
                for (Ferry ferry : ferries.values()) {
                    // warm-up: a service runs warm
                    // a few thousand files on loopback (through the slow proxy one pass: minutes otherwise)
                    for (int pass = 0; pass < (small && !quick && server == servers.direct ? 3 : 1); pass++) {
                        ferry.deliver(files, count);
                        clear(ferry.remote);
                    }
                }
                for (int run = 0; run < runs; run++) {
                    for (Tool tool : Tool.values()) {
                        Ferry ferry = ferries.get(tool);
                        if (tool.isFerry() && ferry == null) {
                            continue;
                        }
                        String dir = "r-" + tool.name().toLowerCase(Locale.ROOT);
                        long logBefore = server.protocolLogSize();
                        long tripsBefore = DelayProxy.ROUND_TRIPS.get();
                        rates.computeIfAbsent(tool.label(), k -> new ArrayList<>());
                        cpu.computeIfAbsent(tool.label(), k -> new ArrayList<>());
                        try {
                            double cpuBefore = ferry == null ? 0 : ferry.cpuSeconds();
                            double seconds = ferry != null
                                    ? ferry.deliver(files, count)
                                    : tool.sendAll(server, files, dir, connections);
                            double cpuSeconds = ferry == null ? Tool.lastCpuSeconds : ferry.cpuSeconds() - cpuBefore;
                            tool.verify(files, HOME.resolve(dir), row);
                            rates.get(tool.label()).add(work / seconds);
                            if (server == servers.slow) {
                                roundTrips.computeIfAbsent(tool.label(), k -> new ArrayList<>())
                                        .add((DelayProxy.ROUND_TRIPS.get() - tripsBefore) / (double) count);
                            }
                            cpu.get(tool.label()).add(cpuSeconds * 1000 / count);
                        } catch (ToolFailed e) {
                            notes.add(tool.label() + " in " + row + ", run " + (run + 1) + ": " + e.getMessage());
                        }
                        if (countCommands && run == 0) {
                            commands.put(tool.label(), String.format(Locale.ROOT, "%.1f",
                                    server.commandsSince(logBefore) / (double) count));
                        }
                        clear(HOME.resolve(dir));
                    }
                }
            } finally {
                for (Ferry ferry : ferries.values()) {
                    ferry.stop();
                    deleteTree(ferry.remote);
                }
            }
            record(row, rates, "%.0f");
            if (small) {
                record("CPU per file, ms (user + sys): " + row.replace(" (files/s)", ""), cpu, "%.2f");
            }
            if (!roundTrips.isEmpty()) {
                // the peers' include their login; Ferry's connections were opened during its warm-up
                record("round trips per file (replies waited for): " + row.replace(" (files/s)", ""), roundTrips,
                        "%.2f");
            }
            if (!commands.isEmpty()) {
                table.computeIfAbsent("commands per file (S1, 1 connection, login included but Ferry's)",
                        k -> new LinkedHashMap<>()).putAll(commands);
            }
        }

        /** A sparse file far larger than Ferry's heap, sent with -Xmx64m: peak heap and RSS. */
        void s3() throws Exception {
            Path dir = Files.createDirectories(work.resolve("s3"));
            Path big = dir.resolve("huge.bin");
            try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
                file.setLength(s3Bytes);
                file.seek(s3Bytes / 2);
                file.write("ferry".getBytes(StandardCharsets.US_ASCII));
            }
            old(big);
            Ferry ferry = Ferry.start(servers.direct, "r-s3", 1, "-Xmx64m", false);
            try {
                HeapWatch heap = HeapWatch.of(ferry.process);
                double seconds = ferry.deliver(dir, 1);
                heap.stop();
                verify(dir, HOME.resolve("r-s3"), "Ferry S3");
                Map<String, String> cells = table.computeIfAbsent("S3 one sparse file of " + human(s3Bytes)
                        + ", -Xmx64m", k -> new LinkedHashMap<>());
                cells.put("Ferry", String.format(Locale.ROOT, "%.0f MB/s; peak heap %s; peak RSS %d MiB",
                        s3Bytes / seconds / 1e6, heap.peak(), ferry.peakRssKiB() / 1024));
                if (heap.peakUsedKiB() > 64 * 1024) {
                    failures++;
                    notes.add("S3: heap above 64 MiB");
                }
            } finally {
                ferry.stop();
                deleteTree(HOME.resolve("r-s3"));
                Files.delete(big);
            }
        }

        /** Files dropped one at a time at random intervals: from complete in the source to on the server. */
        void s4() throws Exception {
            Path outboxStage = Files.createDirectories(work.resolve("s4-stage"));
            Ferry ferry = Ferry.start(servers.direct, "r-s4", 4, null, false);
            List<Long> latencies = new ArrayList<>();
            try {
                Path remote = HOME.resolve("r-s4");
                Map<String, Long> seen = new ConcurrentHashMap<>();
                Thread watcher = new Thread(() -> watch(remote, seen), "s4-watch");
                watcher.setDaemon(true);
                watcher.start();
                Random random = new Random(4);
                Map<String, Long> dropped = new LinkedHashMap<>();
                for (int i = 0; i < s4Files; i++) {
                    Thread.sleep(random.nextInt(1000));
                    String name = "drop-" + i + ".csv";
                    Path staged = randomFile(outboxStage.resolve(name), 4096, 400 + i);
                    Files.move(staged, ferry.outbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                    dropped.put(name, System.nanoTime());
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (seen.size() < s4Files && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                watcher.interrupt();
                if (seen.size() < s4Files) {
                    throw new IllegalStateException("S4: only " + seen.size() + " of " + s4Files + " arrived");
                }
                for (Map.Entry<String, Long> drop : dropped.entrySet()) {
                    latencies.add((seen.get(drop.getKey()) - drop.getValue()) / 1_000_000);
                }
            } finally {
                ferry.stop();
                deleteTree(HOME.resolve("r-s4"));
            }
            latencies.sort(null);
            long p50 = latencies.get(latencies.size() / 2);
            long p99 = latencies.get(Math.min(latencies.size() - 1, (int) Math.ceil(latencies.size() * 0.99) - 1));
            table.computeIfAbsent("S4 " + s4Files + " files dropped at random intervals, stableFor 1 s: latency",
                    k -> new LinkedHashMap<>()).put("Ferry", "p50 " + p50 + " ms, p99 " + p99 + " ms");
        }

        /** A backlog of many small files in one source: rate, poll times, heap. */
        void s5() throws Exception {
            Path files = smallFiles("s5", s5Files, 1024);
            Ferry ferry = Ferry.start(servers.direct, "r-s5", 4, "-Xmx64m", true);
            try {
                HeapWatch heap = HeapWatch.of(ferry.process);
                double seconds = ferry.deliver(files, s5Files);
                heap.stop();
                verify(files, HOME.resolve("r-s5"), "Ferry S5");
                List<Long> polls = ferry.pollMillis();
                polls.sort(null);
                table.computeIfAbsent("S5 backlog of " + s5Files + " x 1 KiB, 4 connections, -Xmx64m",
                        k -> new LinkedHashMap<>()).put("Ferry", String.format(Locale.ROOT,
                                "%.0f files/s; %d polls, listing median %d ms, max %d ms; peak heap %s",
                                s5Files / seconds, polls.size(), polls.isEmpty() ? 0 : polls.get(polls.size() / 2),
                                polls.isEmpty() ? 0 : polls.get(polls.size() - 1), heap.peak()));
            } finally {
                ferry.stop();
                deleteTree(HOME.resolve("r-s5"));
            }
        }

        static void watch(Path remote, Map<String, Long> seen) {
            while (!Thread.currentThread().isInterrupted()) {
                String[] names = remote.toFile().list();
                long now = System.nanoTime();
                if (names != null) {
                    for (String name : names) {
                        if (!name.startsWith(".")) {
                            seen.putIfAbsent(name, now);
                        }
                    }
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    // ---------------------------------------------------------------- the tools

    static class ToolFailed extends Exception {
        ToolFailed(String message) {
            super(message);
        }
    }

    enum Tool {
        FERRY("Ferry"), FERRY_DIRECT("Ferry direct"), LFTP("lftp"), RCLONE("rclone"), CURL("curl");

        final String label;

        Tool(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }

        boolean isFerry() {
            return this == FERRY || this == FERRY_DIRECT;
        }

        /** The CPU seconds (user + system) of the last peer run, its child processes included. */
        static double lastCpuSeconds;

        /** A peer that leaves the server without the right bytes failed this run; Ferry doing so ends the bench. */
        void verify(Path source, Path remote, String row) throws Exception {
            try {
                Bench.verify(source, remote, label + " " + row);
            } catch (IllegalStateException e) {
                if (isFerry()) {
                    throw e;
                }
                List<String> lines = lastLog == null ? List.of() : Files.readAllLines(lastLog);
                throw new ToolFailed(e.getMessage() + "; its output: "
                        + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
            }
        }

        static Path lastLog;

        /** Sends every file of {@code files} into {@code remoteDir} (relative to the login directory); seconds. */
        double sendAll(Server server, Path files, String remoteDir, int connections) throws Exception {
            return switch (this) {
                case FERRY, FERRY_DIRECT -> throw new IllegalArgumentException("Ferry runs as a service: Ferry.deliver");
                case LFTP -> timed(List.of("lftp", "-c", "set ftp:ssl-force true; set ftp:ssl-protect-data true; "
                        + "set ssl:ca-file " + work.resolve("certs/ca.pem") + "; set net:max-retries 1; "
                        + "set cmd:fail-exit true; open -u " + USER + "," + PASSWORD + " -p " + server.port + " "
                        + server.host + "; mirror -R --parallel=" + connections + " " + files + " " + remoteDir));
                case RCLONE -> timed(List.of("rclone", "copy", files.toString(), ":ftp:" + remoteDir,
                        "--ftp-host", server.host, "--ftp-port", String.valueOf(server.port), "--ftp-user", USER,
                        "--ftp-pass", obscured(), "--ftp-explicit-tls", "--ftp-tls-cache-size", "32",
                        "--transfers",
                        String.valueOf(connections), "--checkers", String.valueOf(connections),
                        "--ftp-concurrency", String.valueOf(connections + 1), "--no-check-dest",
                        "--retries", "1", "--low-level-retries", "1", "-q"));
                case CURL -> {
                    List<String> names;
                    try (Stream<Path> list = Files.list(files)) {
                        names = list.map(p -> p.getFileName().toString()).sorted().toList();
                    }
                    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--ssl-reqd", "--tls-max", "1.2", "--cacert",
                            work.resolve("certs/ca.pem").toString(), "-u", USER + ":" + PASSWORD,
                            "--ftp-create-dirs", "-T", files + "/{" + String.join(",", names) + "}"));
                    if (connections > 1) {
                        command.addAll(List.of("-Z", "--parallel-max", String.valueOf(connections)));
                    }
                    command.add("ftp://" + server.host + ":" + server.port + "/" + remoteDir + "/");
                    yield timed(command);
                }
            };
        }

        /** "0m1.234s 0m0.567s" (user, system), as {@code times} prints a line: the sum in seconds. */
        static double childrenCpu(String line) {
            Matcher m = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s").matcher(line.trim());
            if (!m.matches()) {
                return Double.NaN;
            }
            return Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                    + Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
        }

        static String obscuredPassword;

        static synchronized String obscured() throws Exception {
            if (obscuredPassword == null) {
                Process p = new ProcessBuilder("rclone", "obscure", PASSWORD).redirectErrorStream(true).start();
                obscuredPassword = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                p.waitFor();
            }
            return obscuredPassword;
        }

        static double timed(List<String> command) throws Exception {
            Path log = Files.createTempFile(work, "tool", ".log");
            lastLog = log;
            long start = System.nanoTime();
            // the shell's times builtin prints its children's user and system time last: the tool's CPU
            List<String> measured = new ArrayList<>(List.of("bash", "-c", "\"$@\"; status=$?; times; exit $status",
                    "bash"));
            measured.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(measured).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // rclone's FTP backend ignores --ca-cert; Go reads the trusted CAs from SSL_CERT_FILE
            builder.environment().put("SSL_CERT_FILE", work.resolve("certs/ca.pem").toString());
            Process process = builder.start();
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new ToolFailed("did not finish in 30 minutes");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            List<String> output = Files.readAllLines(log);
            lastCpuSeconds = output.isEmpty() ? Double.NaN : childrenCpu(output.get(output.size() - 1));
            if (process.exitValue() != 0) {
                List<String> lines = Files.readAllLines(log);
                throw new ToolFailed("exit " + process.exitValue() + ": "
                        + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
            }
            return seconds;
        }
    }

    /** The packaged jar (or the native binary) as an operator runs it: a config directory, one route, one target. */
    static final class Ferry {
        final Process process;
        final Path outbox;
        final Path log;
        final Path remote;

        private Ferry(Process process, Path outbox, Path log, Path remote) {
            this.process = process;
            this.outbox = outbox;
            this.log = log;
            this.remote = remote;
        }

        static Ferry start(Server server, String remoteDir, int connections, String heap, boolean pollTimes)
                throws Exception {
            return start(server, remoteDir, connections, heap, pollTimes, "temp-rename");
        }

        static Ferry start(Server server, String remoteDir, int connections, String heap, boolean pollTimes,
                String uploadMode) throws Exception {
            Path cfg = Files.createTempDirectory(work, "ferry-cfg");
            Path outbox = Files.createDirectories(cfg.resolve("outbox"));
            Files.createDirectories(cfg.resolve("routes"));
            Files.writeString(cfg.resolve("secret"), PASSWORD);
            Files.setPosixFilePermissions(cfg.resolve("secret"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            String properties = "ferry.targets.bench.host=" + server.host + "\n"
                    + "ferry.targets.bench.port=" + server.port + "\n"
                    + "ferry.targets.bench.username=" + USER + "\n"
                    + "ferry.targets.bench.password-file=" + cfg.resolve("secret") + "\n"
                    + "ferry.targets.bench.trust-store=" + work.resolve("certs/ca.pem") + "\n"
                    + "ferry.targets.bench.max-connections=" + connections + "\n"
                    // the direct column is Ferry as an operator of Transfer Family on S3 runs it: storage=s3
                    + (uploadMode.equals("direct") ? "ferry.targets.bench.storage=s3\n"
                            : "ferry.targets.bench.upload-mode=" + uploadMode + "\n")
                    + "quarkus.http.port=0\n"
                    + (pollTimes
                            ? "quarkus.log.category.\"org.apache.camel.component.file.GenericFileConsumer\".level=DEBUG\n"
                            : "");
            Files.writeString(cfg.resolve("application.properties"), properties);
            Files.writeString(cfg.resolve("routes/bench.yaml"), "- templatedRoute:\n"
                    + "    routeTemplateRef: ftps-upload\n"
                    + "    routeId: bench\n"
                    + "    parameters:\n"
                    + "      - name: source\n        value: " + outbox + "\n"
                    + "      - name: target\n        value: bench\n"
                    + "      - name: remoteDir\n        value: " + remoteDir + "\n");
            // the binary takes -Xmx as the JVM does
            List<String> command = new ArrayList<>(List.of(binary != null ? binary.toString()
                    : Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            if (heap != null) {
                command.add(heap);
            }
            // e.g. -XX:StartFlightRecording=filename=/tmp/ferry.jfr,settings=profile, to see where the time goes
            String options = System.getenv("FERRY_BENCH_JVM_OPTIONS");
            if (binary == null && options != null && !options.isBlank()) {
                command.addAll(List.of(options.trim().split("\\s+")));
            }
            if (binary == null) {
                command.addAll(List.of("-jar", jar.toString()));
            }
            Path log = cfg.resolve("ferry.log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("FERRY_CONFIG_DIR", cfg.toString());
            builder.environment().put("LANG", "C.UTF-8");
            Process process = builder.start();
            children.add(process);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains(" started in ")) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Ferry did not start:\n" + Files.readString(log));
                }
                Thread.sleep(20);
            }
            return new Ferry(process, outbox, log, HOME.resolve(remoteDir));
        }

        /**
         * Moves every file of {@code files} into the idle outbox, as an application drops them, and waits until
         * {@code expected} files have their final names on the server; seconds from the first move.
         */
        double deliver(Path files, int expected) throws Exception {
            List<Path> list;
            try (Stream<Path> stream = Files.list(files)) {
                list = stream.toList();
            }
            Path staged = Files.createTempDirectory(outbox.getParent(), "staged");
            for (Path file : list) {
                Files.createLink(staged.resolve(file.getFileName()), file);
            }
            // seldom enough that watching the server costs Ferry no CPU worth counting (the peers are timed by
            // their exit), often enough to err by under 2% of a run
            long interval = Math.max(50, expected / 200);
            long start = System.nanoTime();
            for (Path file : list) {
                Files.move(staged.resolve(file.getFileName()), outbox.resolve(file.getFileName()),
                        StandardCopyOption.ATOMIC_MOVE);
            }
            long deadline = start + TimeUnit.MINUTES.toNanos(quick ? 3 : 60);
            while (true) {
                String[] names = remote.toFile().list();
                if (names != null && Arrays.stream(names).filter(n -> !n.startsWith(".")).count() >= expected) {
                    long end = System.nanoTime();
                    waitArchived(expected);
                    return (end - start) / 1e9;
                }
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Ferry did not deliver " + expected + " files; its log: " + log);
                }
                Thread.sleep(interval);
            }
        }

        /** The run ends once Ferry has archived every file, so the next run starts on an idle outbox. */
        private void waitArchived(int expected) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (true) {
                String[] left = outbox.toFile().list((dir, name) -> !name.startsWith("."));
                if (left != null && left.length == 0) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Ferry left files in " + outbox);
                }
                Thread.sleep(20);
            }
        }

        /** CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat. */
        double cpuSeconds() throws Exception {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            // the fields after the command name, which is in parentheses and may hold spaces
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // utime and stime: fields 14 and 15 of the line, 12 and 13 after the name and state
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) ticksPerSecond();
        }

        private static long ticks;

        static synchronized long ticksPerSecond() throws Exception {
            if (ticks == 0) {
                ticks = Long.parseLong(firstLine("getconf", "CLK_TCK").trim());
            }
            return ticks;
        }

        long peakRssKiB() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        }

        /** How long each directory listing took, from camel-file's own debug line. */
        List<Long> pollMillis() throws IOException {
            Pattern took = Pattern.compile("Took (?:(\\d+)s)?(?:(\\d+)ms)? to poll");
            List<Long> millis = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                Matcher m = took.matcher(line);
                if (m.find()) {
                    long seconds = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
                    long ms = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
                    millis.add(seconds * 1000 + ms);
                }
            }
            return millis;
        }

        void stop() throws Exception {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            children.remove(process);
            if (Files.readString(log).contains(" ERROR ")) {
                notes.add("Ferry logged errors: " + log);
            }
        }
    }

    /** The heap of a JVM sampled with jstat, for its peak. */
    static final class HeapWatch {
        /** Null for the native binary, whose heap jstat cannot read: only its RSS is shown. */
        final Process jstat;
        final AtomicLong peak = new AtomicLong();

        private HeapWatch(Process jstat) {
            this.jstat = jstat;
            if (jstat != null) {
                Thread reader = new Thread(this::read, "jstat");
                reader.setDaemon(true);
                reader.start();
            }
        }

        static HeapWatch of(Process jvm) throws IOException {
            if (binary != null) {
                return new HeapWatch(null);
            }
            Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
            return new HeapWatch(new ProcessBuilder(jstat.toString(), "-gc", String.valueOf(jvm.pid()), "100")
                    .redirectErrorStream(true).start());
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(jstat.getInputStream()))) {
                String[] header = null;
                for (String line; (line = in.readLine()) != null;) {
                    String[] cells = line.trim().split("\\s+");
                    if (cells[0].equals("S0C")) {
                        header = cells;
                        continue;
                    }
                    if (header == null || cells.length != header.length) {
                        continue;
                    }
                    double used = 0;
                    for (int i = 0; i < header.length; i++) {
                        if (Set.of("S0U", "S1U", "EU", "OU").contains(header[i])) {
                            used += Double.parseDouble(cells[i]);
                        }
                    }
                    long kib = (long) used;
                    peak.accumulateAndGet(kib, Math::max);
                }
            } catch (IOException | NumberFormatException e) {
                // the JVM ended
            }
        }

        long peakUsedKiB() {
            return peak.get();
        }

        /** The peak as the table shows it. */
        String peak() {
            return jstat == null ? "n/a (native)" : peakUsedKiB() / 1024 + " MiB";
        }

        void stop() {
            if (jstat != null) {
                jstat.destroy();
            }
        }
    }

    // ---------------------------------------------------------------- servers

    static final class Server {
        final String host;
        final int port;
        final Path protocolLog;

        Server(String host, int port, Path protocolLog) {
            this.host = host;
            this.port = port;
            this.protocolLog = protocolLog;
        }

        long protocolLogSize() throws IOException {
            return protocolLog != null && Files.exists(protocolLog) ? Files.size(protocolLog) : 0;
        }

        /** FTP commands the server logged since {@code offset}. */
        long commandsSince(long offset) throws IOException {
            if (protocolLog == null) {
                return 0;
            }
            byte[] all = Files.readAllBytes(protocolLog);
            String text = new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                    StandardCharsets.UTF_8);
            return text.lines().filter(l -> l.contains("FTP command: Client")).count();
        }
    }

    static final class Servers {
        Server direct;
        Server slow;

        static Servers start() throws Exception {
            ensureUser();
            makeCertificates();
            Servers servers = new Servers();
            int directPort = freePort();
            int slowPort = freePort();
            int directPassive = 30100;
            int slowPassive = 30200;
            servers.direct = new Server("127.0.0.1", directPort,
                    startVsftpd("direct", directPort, directPassive, "127.0.0.1", true));
            startVsftpd("slow", slowPort, slowPassive, "127.0.0.2", false);
            DelayProxy.start("127.0.0.2", slowPort, delayMs);
            for (int p = slowPassive; p < slowPassive + 40; p++) {
                DelayProxy.start("127.0.0.2", p, 0);
            }
            servers.slow = new Server("127.0.0.2", slowPort, null);
            return servers;
        }

        static Path startVsftpd(String name, int port, int passive, String passiveAddress, boolean logProtocol)
                throws Exception {
            Path dir = Files.createDirectories(work.resolve("vsftpd-" + name));
            Files.createDirectories(dir.resolve("empty"));
            Path log = dir.resolve("vsftpd.log");
            String conf = String.join("\n",
                    "listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1", "listen_port=" + port,
                    "background=NO", "anonymous_enable=NO", "local_enable=YES", "write_enable=YES",
                    "local_umask=022", "pam_service_name=vsftpd", "secure_chroot_dir=" + dir.resolve("empty"),
                    "seccomp_sandbox=NO", "pasv_enable=YES", "pasv_address=" + passiveAddress,
                    "pasv_min_port=" + passive, "pasv_max_port=" + (passive + 39), "connect_from_port_20=NO",
                    "ssl_enable=YES", "allow_anon_ssl=NO", "force_local_logins_ssl=YES", "force_local_data_ssl=YES",
                    "ssl_sslv2=NO", "ssl_sslv3=NO", "ssl_tlsv1=NO", "ssl_ciphers=HIGH", "require_ssl_reuse=YES",
                    "rsa_cert_file=" + work.resolve("certs/server.crt"),
                    "rsa_private_key_file=" + work.resolve("certs/server.key"),
                    "log_ftp_protocol=" + (logProtocol ? "YES" : "NO"), "xferlog_enable=YES",
                    "xferlog_std_format=NO", "vsftpd_log_file=" + log, "max_per_ip=0", "max_clients=0", "");
            Path file = dir.resolve("vsftpd.conf");
            Files.writeString(file, conf);
            // TLS 1.2, as Transfer Family's FTPS policies offer it (rclone 1.60 cannot resume vsftpd's TLS 1.3)
            Path openssl = dir.resolve("openssl.cnf");
            Files.writeString(openssl, "openssl_conf = default_conf\n[default_conf]\nssl_conf = ssl_sect\n"
                    + "[ssl_sect]\nsystem_default = sys\n[sys]\nMinProtocol = TLSv1.2\nMaxProtocol = TLSv1.2\n");
            ProcessBuilder builder = new ProcessBuilder("/usr/sbin/vsftpd", file.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout").toFile());
            builder.environment().put("OPENSSL_CONF", openssl.toString());
            Process process = builder.start();
            children.add(process);
            waitPort("127.0.0.1", port, process, dir.resolve("stdout"));
            return log;
        }

        static void ensureUser() throws Exception {
            if (run(List.of("id", USER)) != 0) {
                must(List.of("useradd", "-m", "-s", "/bin/bash", USER));
            }
            Process p = new ProcessBuilder("chpasswd").start();
            try (OutputStream in = p.getOutputStream()) {
                in.write((USER + ":" + PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (p.waitFor() != 0) {
                fail("chpasswd failed for " + USER);
            }
            Files.createDirectories(HOME);
            must(List.of("chown", USER + ":", HOME.toString()));
        }

        static void makeCertificates() throws Exception {
            Path d = Files.createDirectories(work.resolve("certs"));
            must(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3", "-subj",
                    "/CN=Ferry Bench CA", "-keyout", d.resolve("ca.key").toString(), "-out",
                    d.resolve("ca.pem").toString(), "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign"));
            must(List.of("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
                    d.resolve("server.key").toString(), "-out", d.resolve("server.csr").toString()));
            Files.writeString(d.resolve("ext"),
                    "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2\nextendedKeyUsage=serverAuth\n");
            must(List.of("openssl", "x509", "-req", "-in", d.resolve("server.csr").toString(), "-CA",
                    d.resolve("ca.pem").toString(), "-CAkey", d.resolve("ca.key").toString(), "-CAcreateserial",
                    "-days", "3", "-extfile", d.resolve("ext").toString(), "-out",
                    d.resolve("server.crt").toString()));
        }
    }

    /**
     * A TCP proxy on another loopback address: forwards {@code host:port} to 127.0.0.1 at the same port, holding each
     * chunk the server sends back by {@code delayMs} (order kept). Client to server goes straight through.
     */
    static final class DelayProxy {

        static void start(String host, int port, int delayMs) throws IOException {
            ServerSocket listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getByName(host), port), 64);
            Thread acceptor = new Thread(() -> {
                while (true) {
                    try {
                        Socket client = listener.accept();
                        Socket server = new Socket("127.0.0.1", port);
                        client.setTcpNoDelay(true);
                        server.setTcpNoDelay(true);
                        pump(client, server, 0);
                        pump(server, client, delayMs);
                    } catch (IOException e) {
                        if (listener.isClosed()) {
                            return;
                        }
                    }
                }
            }, "proxy-" + port);
            acceptor.setDaemon(true);
            acceptor.start();
        }

        record Chunk(byte[] bytes, long due) {
        }

        /**
         * Round trips the clients waited through, over all delayed connections: a reply that reaches the proxy while
         * no earlier one is still held starts a wait of its own; replies sent together (pipelined) share one.
         */
        static final java.util.concurrent.atomic.AtomicLong ROUND_TRIPS = new java.util.concurrent.atomic.AtomicLong();

        /** Chunks leave in the order they came, each once its delay is over. */
        static void pump(Socket from, Socket to, int delayMs) {
            if (delayMs == 0) {
                daemon(() -> copy(from, to));
                return;
            }
            LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
            byte[] end = new byte[0];
            daemon(() -> {
                try (InputStream in = from.getInputStream()) {
                    byte[] buffer = new byte[65536];
                    long lastDue = 0;
                    for (int n; (n = in.read(buffer)) > 0;) {
                        long now = System.nanoTime();
                        if (now - lastDue >= 0) {
                            ROUND_TRIPS.incrementAndGet();
                        }
                        lastDue = now + delayMs * 1_000_000L;
                        queue.add(new Chunk(Arrays.copyOf(buffer, n), lastDue));
                    }
                } catch (IOException ignored) {
                    // closed
                }
                queue.add(new Chunk(end, System.nanoTime() + delayMs * 1_000_000L));
            });
            daemon(() -> {
                try (OutputStream out = to.getOutputStream()) {
                    while (true) {
                        Chunk chunk = queue.take();
                        long wait = chunk.due() - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        if (chunk.bytes() == end) {
                            break;
                        }
                        out.write(chunk.bytes());
                        out.flush();
                    }
                } catch (IOException | InterruptedException ignored) {
                    // closed
                }
                closeQuietly(to);
                closeQuietly(from);
            });
        }

        static void copy(Socket from, Socket to) {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // closed
            }
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    // ---------------------------------------------------------------- files and checks

    /** {@code count} random files of {@code size} bytes, made once, older than any stableFor. */
    static Path smallFiles(String name, int count, int size) throws IOException {
        Path dir = Files.createDirectories(work.resolve("files-" + name));
        Random random = new Random(count);
        byte[] bytes = new byte[size];
        for (int i = 0; i < count; i++) {
            random.nextBytes(bytes);
            Path file = dir.resolve(String.format(Locale.ROOT, "f%06d.dat", i));
            Files.write(file, bytes);
            old(file);
        }
        return dir;
    }

    static Path randomFile(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] buffer = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buffer.length) {
                random.nextBytes(buffer);
                out.write(buffer, 0, (int) Math.min(buffer.length, left));
            }
        }
        return file;
    }

    static void old(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
    }

    /** Every file of {@code source} is on the server with the same SHA-256, and nothing else is. */
    static void verify(Path source, Path remote, String what) throws Exception {
        Set<String> expected = names(source);
        Set<String> actual = names(remote);
        if (!expected.equals(actual)) {
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(actual);
            Set<String> extra = new TreeSet<>(actual);
            extra.removeAll(expected);
            throw new IllegalStateException(what + ": server differs: missing " + first(missing) + ", extra "
                    + first(extra));
        }
        for (String name : expected) {
            if (!Arrays.equals(sha256(source.resolve(name)), sha256(remote.resolve(name)))) {
                throw new IllegalStateException(what + ": " + name + " differs on the server (SHA-256)");
            }
        }
    }

    static String first(Set<String> names) {
        return names.stream().limit(5).collect(Collectors.joining(", ", "[", names.size() > 5 ? ", ...]" : "]"));
    }

    static Set<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static byte[] sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0;) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }

    /** Empties a directory on the server, keeping it (Ferry's connections know it exists). */
    static void clear(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.toList()) {
                if (Files.isDirectory(p)) {
                    deleteTree(p);
                } else {
                    Files.delete(p);
                }
            }
        }
    }

    static int count(Path dir) throws IOException {
        return names(dir).size();
    }

    // ---------------------------------------------------------------- the table

    static void record(String row, Map<String, List<Double>> values, String format) {
        Map<String, String> cells = table.computeIfAbsent(row, k -> new LinkedHashMap<>());
        Map<String, Double> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> entry : values.entrySet()) {
            if (entry.getValue().isEmpty()) {
                cells.putIfAbsent(entry.getKey(), "fails");
                continue;
            }
            List<Double> sorted = new ArrayList<>(entry.getValue());
            sorted.sort(null);
            double median = sorted.get(sorted.size() / 2);
            medians.put(entry.getKey(), median);
            cells.put(entry.getKey(), String.format(Locale.ROOT, format, median));
        }
        List<String> ratios = new ArrayList<>();
        for (String ferry : List.of("Ferry", "Ferry direct")) {
            Double mine = medians.get(ferry);
            if (mine == null) {
                continue;
            }
            List<String> each = new ArrayList<>();
            for (Map.Entry<String, Double> peer : medians.entrySet()) {
                if (!peer.getKey().startsWith("Ferry")) {
                    each.add(String.format(Locale.ROOT, "%.2fx %s", mine / peer.getValue(), peer.getKey()));
                }
            }
            ratios.add((ferry.equals("Ferry") ? "" : "direct: ") + String.join(", ", each));
        }
        if (!ratios.isEmpty()) {
            cells.put("ratio", String.join("; ", ratios));
        }
    }

    static void print() throws Exception {
        StringBuilder out = new StringBuilder();
        out.append("Machine: ").append(machine()).append("\n");
        out.append("Ferry runs as ").append(binary != null ? "the native binary " + binary : "the jar " + jar)
                .append(".\n");
        out.append("Medians of ").append(runs).append(" run(s); every run's bytes checked on the server (SHA-256).\n");
        out.append("Ferry: storage=file (upload under a temporary name, then rename); Ferry direct: storage=s3 (one STOR"
                + " to the final name), as on Transfer Family; both as installed (pipelining on).\n\n");
        out.append("| scenario | Ferry | Ferry direct | lftp | rclone | curl | Ferry's ratio |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, String>> row : table.entrySet()) {
            Map<String, String> c = row.getValue();
            out.append("| ").append(row.getKey());
            for (String column : List.of("Ferry", "Ferry direct", "lftp", "rclone", "curl", "ratio")) {
                out.append(" | ").append(c.getOrDefault(column, "-"));
            }
            out.append(" |\n");
        }
        if (!notes.isEmpty()) {
            out.append("\n");
            notes.forEach(n -> out.append("- ").append(n).append("\n"));
        }
        System.out.print(out);
    }

    static String machine() throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), JDK "
                + System.getProperty("java.version") + ", " + firstLine("lftp", "--version") + ", "
                + firstLine("rclone", "version") + ", " + firstLine("curl", "--version").split(" \\(")[0]
                + ", vsftpd with require_ssl_reuse=YES and TLS 1.2 on loopback";
    }

    static String firstLine(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst()
                .orElse("?");
        p.waitFor();
        return line.replace("LFTP | Version ", "lftp ").replaceAll(" \\|.*", "");
    }

    // ---------------------------------------------------------------- helpers

    static String human(long bytes) {
        return bytes >= 1L << 30 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    static void waitPort(String host, int port, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket(host, port)) {
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(50);
            }
        }
        fail("server on port " + port + " did not start: " + Files.readString(log));
    }

    static String which(String tool) {
        for (String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return dir + "/" + tool;
            }
        }
        return null;
    }

    static int run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor();
    }

    static void must(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            fail(String.join(" ", command) + " failed: " + output);
        }
    }

    static void daemon(Runnable task) {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        thread.start();
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is the point
        }
    }

    static void stopChildren() {
        for (Process p : new ArrayList<>(children)) {
            p.destroy();
        }
        for (Process p : new ArrayList<>(children)) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        children.clear();
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void fail(String message) {
        System.err.println("bench: " + message);
        System.exit(1);
    }
}
