package dev.ferry.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.ferry.testing.AuditLog;
import dev.ferry.testing.DelayingProxy;
import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.FerryProcess.Finished;
import dev.ferry.testing.RealFtpServer;
import dev.ferry.testing.RealFtpServer.Kind;
import dev.ferry.testing.RealPostgres;
import dev.ferry.testing.Tally;
import dev.ferry.testing.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several Ferry processes (the packaged jar) on one source directory, in cluster mode with a real PostgreSQL
 * ({@link RealPostgres}) and the real vsftpd requiring TLS session reuse: each file is delivered once, whole, by
 * whichever process claims it; a process killed with SIGKILL loses its claims when their lease ends; a database
 * outage holds delivery back and sends nothing twice; more processes ship more files.
 */
class ClusterIT {

    private static final String LEASE = "10s";
    private static final long LEASE_MS = 10_000;
    /** The kill suite's largest file (bytes) and vsftpd's rate per upload (bytes/s). */
    private static final int LARGEST = 48_000;
    private static final int RATE = 150_000;
    /** The start-up line naming the process's claims: "(claims owned by host-a/1a2b3c4d)". */
    private static final Pattern OWNER = Pattern.compile("claims owned by (\\S+)\\)");
    /** vsftpd's protocol log: a session's RNTO, and its replies. */
    private static final Pattern PROTOCOL = Pattern.compile(
            "\\[pid (\\d+)\\] \\[[^\\]]*\\] FTP (command|response): Client \"[^\"]*\", \"(RNTO [^\"]*/([^\"/]+)|\\d{3})");

    @TempDir
    Path tmp;

    private final Path landed = RealFtpServer.HOME.resolve("cluster-" + UUID.randomUUID());
    private final List<FerryProcess> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (FerryProcess process : processes) {
            process.close();
        }
        // in the FTP user's home, which no JUnit temporary directory covers
        TestFiles.deleteTree(landed);
    }

    @Test
    void threeHostsFiveKillsEveryFileOnceWholeAndClaimsTakenOverAfterTheLease() throws Exception {
        long seed = Long.getLong("ferry.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        // enough to last through five kills a lease and more apart
        int files = 3000;
        int hosts = 3;
        int kills = 5;
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        List<Path> originals = originals(files, 1_000, LARGEST);
        try (RealPostgres postgres = RealPostgres.start();
                // 150 kB/s per upload (160 ms for the average file), so that kills catch uploads under way
                RealFtpServer vsftpd = RealFtpServer.start(Kind.VSFTPD, tmp.resolve("vsftpd"), "TLSv1.3",
                        List.of("local_max_rate=" + RATE))) {
            List<FerryConfigDir> configs = new ArrayList<>();
            for (int h = 0; h < hosts; h++) {
                // what each host decides about each file, for the account of a slow takeover
                configs.add(host(postgres, "host-" + (char) ('a' + h), vsftpd.port(), outbox, 2)
                        .property("quarkus.log.category.\"dev.ferry.route.Delivery\".level", "DEBUG"));
            }
            for (FerryConfigDir config : configs) {
                processes.add(FerryProcess.start(config));
            }
            drop(originals, outbox);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> processes.stream().anyMatch(p -> p.log().contains("Uploaded ")));

            // per kill: how long after the dead process's lease ended its last claim went to a live process
            List<Long> takeoverMs = new ArrayList<>();
            Takeover slowest = null;
            for (int kill = 0; kill < kills; kill++) {
                // every process runs (one restarted by the last kill too): live hosts are there to take the claims
                // over, and the one killed holds claims of its own. Kills follow one another once the last one's
                // claims were taken over: with two hosts dead or starting at once, the third alone would be measured
                for (FerryProcess running : processes) {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                            .until(() -> running.readiness().statusCode() == 200);
                }
                int victim = random.nextInt(hosts);
                FerryProcess process = processes.get(victim);
                // then at a random moment: a time is the point here, there is no event to wait for
                Thread.sleep(500 + random.nextInt(1_500));
                Matcher owner = OWNER.matcher(process.log());
                String ownerId = owner.find() ? owner.group(1) : "";
                process.kill();
                long killed = System.nanoTime();
                // what it held when it died: its claims, not delivered
                Map<String, String> held = undelivered(postgres, ownerId);
                long leaseLeft = leaseLeftMs(postgres, ownerId);
                System.out.printf("CLUSTER SUITE: kill %d, host-%c (%s) holding %d undelivered claims%n", kill + 1,
                        (char) ('a' + victim), ownerId, held.size());
                process.close();
                // restarted at once, as systemd would: a new process, with claims of its own
                processes.set(victim, FerryProcess.start(configs.get(victim)));
                if (!held.isEmpty()) {
                    // every claim the killed process held goes to a live process (or is done) once its lease ends
                    Takeover done = takenOver(postgres, held, killed, leaseLeft);
                    takeoverMs.add(done.afterLeaseMs());
                    slowest = slowest == null || done.afterLeaseMs() > slowest.afterLeaseMs() ? done : slowest;
                }
            }
            int deliveredWhileKilling = files - regular(outbox).size();
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> regular(outbox).isEmpty());

            Map<String, Integer> uploads = Tally.completedUploads(vsftpd.tlsLog());
            // a delivery is a file renamed into place: a STOR cut by a kill before its rename delivered nothing
            Map<String, Integer> renames = renamedIntoPlace(vsftpd.tlsLog());
            int duplicates = renames.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
            Tally tally = Tally.of(originals, landed, archived(outbox), outbox);
            long temporaryLeft;
            try (Stream<Path> left = Files.list(landed)) {
                temporaryLeft = left.filter(p -> p.getFileName().toString().endsWith(".ferry-part")).count();
            }
            Map<String, Integer> byHost = deliveredByHost(configs);
            System.out.printf("CLUSTER SUITE (seed %d): %d hosts, %d files, %d kills; delivered between kills %d;"
                    + " by host %s; lost %d, corrupted or partial under a final name %d, archived but not delivered"
                    + " %d, duplicate deliveries %d, temporary names left %d; claims of a killed process taken over"
                    + " %s ms after their lease (%d ms) ended%n", seed, hosts, files, kills, deliveredWhileKilling,
                    byHost,
                    tally.lost(), tally.corrupted(), tally.archivedNotDelivered(), duplicates, temporaryLeft,
                    takeoverMs, LEASE_MS);
            assertEquals(0, tally.lost(), "files lost");
            assertEquals(0, tally.corrupted(), "files under their final name with other bytes");
            assertEquals(0, tally.archivedNotDelivered(), "files archived without being on the server");
            assertTrue(duplicates <= kills, "duplicate deliveries: " + duplicates + " for " + kills + " kills");
            assertEquals(files, uploads.size(), "files vsftpd received");
            assertEquals(files, renames.size(), "files renamed into place");
            assertEquals(0, temporaryLeft, "temporary names left on the server");
            assertEquals(hosts, byHost.size(), "hosts that delivered: " + byHost);
            assertFalse(takeoverMs.isEmpty(), "no kill caught a claim");
            // within the lease plus one poll of a live host: the second in which hosts look for orphaned claims,
            // the end of the poll under way (ten files per connection handed to the upload threads, each upload at
            // most LARGEST bytes at RATE), the orphaned file's turn behind the two queued, and a second for the
            // next poll's listing while a restarted JVM takes this machine's two cores
            long onePoll = 1_000 + (10 + 2) * LARGEST * 1_000L / RATE + 1_000;
            Takeover last = slowest;
            assertTrue(last.afterLeaseMs() <= onePoll, () -> "claims taken over " + last.afterLeaseMs()
                    + " ms after their lease ended; what the hosts logged of the last, " + last.path() + ":\n"
                    + logLines(last.path()));
            assertTrue(deliveredWhileKilling < files, "everything was delivered before the kills ended");
        }
    }

    @Test
    void aDatabaseStoppedForTwentySecondsHoldsDeliveryBackSendsNothingTwiceAndDeliveryResumesByItself()
            throws Exception {
        int files = 400;
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        List<Path> originals = originals(files, 1_000, 48_000);
        try (RealPostgres postgres = RealPostgres.start();
                RealFtpServer vsftpd = RealFtpServer.start(Kind.VSFTPD, tmp.resolve("vsftpd"), "TLSv1.3",
                        List.of("local_max_rate=300000"))) {
            for (String name : List.of("host-a", "host-b")) {
                processes.add(FerryProcess.start(host(postgres, name, vsftpd.port(), outbox, 2)));
            }
            drop(originals, outbox);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Tally.completedUploads(vsftpd.tlsLog()).size() >= 20);

            postgres.stop();
            long stopped = System.nanoTime();
            FerryProcess a = processes.get(0);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> a.healthChecks("/q/health/ready").get("ferry-cluster").getString("status")
                            .equals("DOWN"));
            String down = a.healthChecks("/q/health/ready").get("ferry-cluster").toString();
            // the uploads under way end (or are abandoned) within the lease; nothing is claimed after that
            sleepUntil(stopped, LEASE_MS);
            int afterLease = Tally.completedUploads(vsftpd.tlsLog()).values().stream().mapToInt(n -> n).sum();
            sleepUntil(stopped, 20_000);
            int atRestart = Tally.completedUploads(vsftpd.tlsLog()).values().stream().mapToInt(n -> n).sum();
            int waiting = regular(outbox).size();
            postgres.restart();

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> regular(outbox).isEmpty());
            long resumedAfter = (System.nanoTime() - stopped) / 1_000_000;
            Map<String, Integer> uploads = Tally.completedUploads(vsftpd.tlsLog());
            int duplicates = uploads.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
            Tally tally = Tally.of(originals, landed, archived(outbox), outbox);
            String up = a.healthChecks("/q/health/ready").get("ferry-cluster").getString("status");
            System.out.printf("CLUSTER SUITE, database stopped for 20 s: %d files, 2 hosts; uploads completed when"
                    + " the lease (%d ms) had passed %d, when the database came back %d; files waiting then %d;"
                    + " all delivered %d ms after the stop; lost %d, corrupted %d, archived but not delivered %d,"
                    + " duplicate deliveries %d; readiness during the outage %s%n", files, LEASE_MS, afterLease,
                    atRestart, waiting, resumedAfter, tally.lost(), tally.corrupted(), tally.archivedNotDelivered(),
                    duplicates, down);
            assertTrue(down.contains("the database cannot be reached"), down);
            assertEquals(afterLease, atRestart, "uploads completed while the database was down, after the lease");
            assertTrue(waiting > 0, "everything was delivered before the database stopped");
            assertEquals(0, tally.lost(), "files lost");
            assertEquals(0, tally.corrupted(), "files under their final name with other bytes");
            assertEquals(0, tally.archivedNotDelivered(), "files archived without being on the server");
            assertEquals(0, duplicates, "files sent twice");
            assertEquals(files, uploads.size(), "files vsftpd received");
            assertEquals("UP", up, "readiness after the database came back");
        }
    }

    @Test
    void threeHostsShipAtLeastTwoAndAHalfTimesWhatOneShipsOverASlowLink() throws Exception {
        int files = 300;
        List<Path> originals = originals(files, 4_096, 4_097);
        try (RealPostgres postgres = RealPostgres.start();
                RealFtpServer vsftpd = RealFtpServer.start(Kind.VSFTPD, tmp.resolve("vsftpd"), "TLSv1.3");
                DelayingProxy slow = DelayingProxy.start(vsftpd.port(), 20)) {
            double one = filesPerSecond(postgres, slow.port(), originals, 1);
            double three = filesPerSecond(postgres, slow.port(), originals, 3);
            System.out.printf("CLUSTER SUITE, throughput over a link of 20 ms per reply, 1 connection per host,"
                    + " %d files of 4 KiB: 1 host %.1f files/s, 3 hosts %.1f files/s (%.2fx)%n", files, one, three,
                    three / one);
            assertTrue(three >= 2.5 * one, "3 hosts " + three + " files/s, 1 host " + one);
        }
    }

    @Test
    void checkConnectsToTheDatabaseAndAClusterWithoutOneIsRefusedAtStart() throws Exception {
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        try (RealPostgres postgres = RealPostgres.start();
                RealFtpServer vsftpd = RealFtpServer.start(Kind.VSFTPD, tmp.resolve("vsftpd"), "TLSv1.3")) {
            FerryConfigDir config = host(postgres, "host-a", vsftpd.port(), outbox, 1);
            Finished check = FerryProcess.run(config, "check");
            assertEquals(0, check.exit(), "exit status (0: passed) " + check);
            assertTrue(check.output().contains("Checking the database (cluster mode, this host: host-a)"),
                    check.output());
            assertTrue(check.output().matches("(?s).*\n  ok    database PostgreSQL \\d+.*as ferry.*"), check.output());

            // once the service has made the schema, check writes a claim in a transaction it rolls back
            AuditLog audit = config.audit();
            processes.add(FerryProcess.start(config));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> processes.get(0).readiness().statusCode() == 200);
            // the host in the audit trail and on every meter
            TestFiles.random(outbox.resolve("one.csv"), 1_000, 1);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> audit.with("delivered").size() == 1);
            assertEquals("host-a", audit.with("delivered").get(0).getString("host"), audit.toString());
            String metrics = processes.get(0).get("/q/metrics").body();
            assertTrue(
                    Pattern.compile("ferry_files_delivered_total\\{[^}]*host=\"host-a\"[^}]*} 1\\.0").matcher(metrics)
                            .find(),
                    metrics);
            check = FerryProcess.run(config, "check");
            assertTrue(check.output().contains("claims can be written (schema version 1)"), check.output());
            try (Connection connection = postgres.connect();
                    PreparedStatement count = connection.prepareStatement(
                            "SELECT count(*) FROM ferry_claim WHERE route = 'ferry check'");
                    ResultSet result = count.executeQuery()) {
                result.next();
                assertEquals(0, result.getInt(1), "check left a claim behind");
            }

            Files.writeString(config.path().resolve("database.password"), "wrong\n");
            check = FerryProcess.run(config, "check");
            assertEquals(3, check.exit(), "exit status (3: a check failed) " + check);
            assertTrue(check.output().contains("  FAIL  database cannot use the database: "), check.output());
            assertTrue(check.output().contains("password authentication failed"), check.output());
        }

        FerryConfigDir alone = new FerryConfigDir(tmp.resolve("no-database"))
                .target("vsftpd", 21, RealFtpServer.USER, RealFtpServer.PASSWORD)
                .property("ferry.cluster.enabled", "true")
                .route("upload", outbox, "vsftpd", "/in");
        Finished refused = FerryProcess.run(alone, "validate");
        assertEquals(1, refused.exit(), "exit status (1: bad configuration) " + refused);
        assertTrue(refused.output().contains("ferry.cluster.enabled=true needs a PostgreSQL database: set"
                + " quarkus.datasource.jdbc.url"), refused.output());
    }

    /**
     * Starts {@code hosts} processes, waits until each is ready, drops the files and times their delivery from the
     * first file on the server to the last archived: what the hosts ship once files flow (the first connection's
     * log-in, the same for one host or three, is left out). Prints the time from the drop too.
     */
    private double filesPerSecond(RealPostgres postgres, int port, List<Path> originals, int hosts)
            throws Exception {
        TestFiles.deleteTree(landed);
        Path outbox = Files.createDirectories(tmp.resolve("outbox-" + hosts));
        List<FerryProcess> started = new ArrayList<>();
        for (int h = 0; h < hosts; h++) {
            FerryProcess process = FerryProcess.start(host(postgres, hosts + "-host-" + h, port, outbox, 1));
            processes.add(process);
            started.add(process);
        }
        for (FerryProcess process : started) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> process.readiness().statusCode() == 200);
        }
        long dropped = System.nanoTime();
        drop(originals, outbox);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(5))
                .until(() -> Files.isDirectory(landed) && !regular(landed).isEmpty());
        long first = System.nanoTime();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> regular(outbox).isEmpty());
        long done = System.nanoTime();
        double seconds = (done - first) / 1e9;
        System.out.printf("CLUSTER SUITE, %d host(s): %d files, first on the server %.2f s after the drop, all"
                + " archived %.2f s after the drop: %.1f files/s from the first%n", hosts, originals.size(),
                (first - dropped) / 1e9, (done - dropped) / 1e9, originals.size() / seconds);
        for (FerryProcess process : started) {
            process.close();
        }
        for (Path original : originals) {
            TestFiles.assertSameBytes(original, landed.resolve(original.getFileName()));
        }
        return originals.size() / seconds;
    }

    private static void sleepUntil(long startNanos, long millis) throws InterruptedException {
        long left = millis - (System.nanoTime() - startNanos) / 1_000_000;
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    /** The files a process ({@code owner}) has claimed and not delivered: path to that owner. */
    private static Map<String, String> undelivered(RealPostgres postgres, String owner) throws Exception {
        Map<String, String> held = new HashMap<>();
        try (Connection connection = postgres.connect();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT path, owner FROM ferry_claim WHERE owner = ? AND delivered_at IS NULL")) {
            select.setString(1, owner);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    held.put(result.getString(1), result.getString(2));
                }
            }
        }
        return held;
    }

    /** How long the leases of a process's claims still run, on the database's clock: the longest. */
    private static long leaseLeftMs(RealPostgres postgres, String owner) throws Exception {
        try (Connection connection = postgres.connect();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT coalesce(max(extract(epoch FROM lease_until - clock_timestamp())), 0) FROM ferry_claim"
                                + " WHERE owner = ?")) {
            select.setString(1, owner);
            try (ResultSet result = select.executeQuery()) {
                result.next();
                return (long) (result.getDouble(1) * 1000);
            }
        }
    }

    /** Of the claims in {@code held}, those still held, undelivered, by the same process. */
    private static Set<String> stillHeld(RealPostgres postgres, Map<String, String> held) throws Exception {
        Set<String> still = new HashSet<>();
        try (Connection connection = postgres.connect();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT path, owner FROM ferry_claim WHERE owner IS NOT NULL AND delivered_at IS NULL")) {
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    if (result.getString(2).equals(held.get(result.getString(1)))) {
                        still.add(result.getString(1));
                    }
                }
            }
        }
        return still;
    }

    private FerryConfigDir host(RealPostgres postgres, String name, int port, Path outbox, int connections)
            throws Exception {
        FerryConfigDir config = new FerryConfigDir(tmp.resolve(name));
        postgres.configure(config, name);
        return config.target("vsftpd", port, RealFtpServer.USER, RealFtpServer.PASSWORD)
                .property("ferry.cluster.lease", LEASE)
                .property("ferry.targets.vsftpd.max-connections", String.valueOf(connections))
                .route("upload", outbox, "vsftpd", "/" + landed.getFileName(), "stableFor", "100ms");
    }

    private List<Path> originals(int files, int smallest, int largest) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("originals"));
        List<Path> made = new ArrayList<>();
        Random sizes = new Random(files);
        for (int i = 0; i < files; i++) {
            made.add(TestFiles.random(dir.resolve(String.format("file-%04d.dat", i)),
                    smallest + sizes.nextInt(largest - smallest), i));
        }
        return made;
    }

    /** Into the outbox as an application would: written aside, then moved in. */
    private void drop(List<Path> originals, Path outbox) throws Exception {
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        for (Path original : originals) {
            Path staged = Files.copy(original, staging.resolve(original.getFileName()));
            Files.move(staged, outbox.resolve(original.getFileName()));
        }
    }

    private static Path archived(Path outbox) {
        return TestFiles.today(outbox.resolve(".archive"));
    }

    private static List<Path> regular(Path outbox) throws Exception {
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    /** Deliveries per host, from the hosts' log lines ("Uploaded ..."): each host delivered some. */
    private Map<String, Integer> deliveredByHost(List<FerryConfigDir> configs) throws Exception {
        Map<String, Integer> byHost = new HashMap<>();
        for (FerryConfigDir config : configs) {
            Path logs = config.path().getParent();
            int delivered = 0;
            try (Stream<Path> all = Files.list(logs)) {
                for (Path log : all.filter(p -> p.getFileName().toString().startsWith("ferry-")
                        && p.getFileName().toString().endsWith(".log")).toList()) {
                    String text = Files.readString(log);
                    if (text.contains("this host is " + config.path().getFileName() + " ")) {
                        delivered += (int) text.lines().filter(l -> l.contains("Uploaded ")).count();
                    }
                }
            }
            if (delivered > 0) {
                byHost.put(config.path().getFileName().toString(), delivered);
            }
        }
        return byHost;
    }

    /**
     * Waits until none of {@code held} (a killed process's claims) is still that process's, at most three leases, and
     * says which went last and how long after the lease ended ({@code leaseLeft} after {@code killed}, on the
     * database's clock).
     */
    private static Takeover takenOver(RealPostgres postgres, Map<String, String> held, long killed, long leaseLeft)
            throws Exception {
        Set<String> still = new HashSet<>(held.keySet());
        String last = still.iterator().next();
        long deadline = killed + LEASE_MS * 3 * 1_000_000;
        while (!still.isEmpty() && System.nanoTime() < deadline) {
            Set<String> now = stillHeld(postgres, held);
            still.removeIf(path -> !now.contains(path));
            if (!still.isEmpty()) {
                last = still.iterator().next();
                Thread.sleep(50);
            }
        }
        assertTrue(still.isEmpty(), "claims never taken over: " + still);
        return new Takeover(last, (System.nanoTime() - killed) / 1_000_000 - leaseLeft);
    }

    /** A kill's claims taken over: the last of them, and how long after their lease ended (ms). */
    private record Takeover(String path, long afterLeaseMs) {
    }

    /** Every line of every process's log (killed ones included) that names {@code path}. */
    private String logLines(String path) {
        StringBuilder lines = new StringBuilder();
        try (Stream<Path> logs = Files.walk(tmp)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("ferry-")
                    && p.getFileName().toString().endsWith(".log")).sorted().toList()) {
                String text = Files.readString(log);
                Matcher owner = OWNER.matcher(text);
                String name = log.getFileName() + (owner.find() ? " (" + owner.group(1) + ")" : "") + ": ";
                text.lines().filter(line -> line.contains(path))
                        .forEach(line -> lines.append(name).append(line).append('\n'));
            }
        } catch (Exception e) {
            lines.append("(cannot read the logs: ").append(e).append(')');
        }
        return lines.toString();
    }

    /** Renames that succeeded (RNTO answered 250) per final name, from vsftpd's protocol log, session by session. */
    private static Map<String, Integer> renamedIntoPlace(String log) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, String> pending = new HashMap<>();
        Matcher m = PROTOCOL.matcher(log);
        while (m.find()) {
            if (m.group(2).equals("command")) {
                pending.put(m.group(1), m.group(4));
            } else {
                String name = pending.get(m.group(1));
                if (name != null && !m.group(3).equals("350")) {
                    // the reply to RNFR (350) comes first when both were sent together; then RNTO's
                    pending.remove(m.group(1));
                    if (m.group(3).equals("250")) {
                        counts.merge(name, 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

}
