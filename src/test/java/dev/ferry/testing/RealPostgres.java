package dev.ferry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real PostgreSQL from Debian's package, started by the test that uses it: {@code initdb} into a directory of its
 * own (as the unprivileged {@code postgres} user when the tests run as root, which initdb refuses), then
 * {@code pg_ctl} on a free port of 127.0.0.1 with password authentication (SCRAM). {@link #stop()} and
 * {@link #restart()} take it down and bring it back on the same port and data; {@link #close()} removes it all.
 */
public final class RealPostgres implements AutoCloseable {

    public static final String USER = "ferry";
    public static final String PASSWORD = "Pg-4e2a!secret";
    private static final Path PACKAGES = Path.of("/usr/lib/postgresql");

    private final Path bin;
    private final Path dir;
    private final int port;

    private RealPostgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    public static RealPostgres start() throws Exception {
        Path bin = binaries();
        // not under a JUnit directory: the postgres user must reach it
        Path dir = Files.createTempDirectory("ferry-postgres-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path password = Files.writeString(dir.resolve("password"), PASSWORD + "\n", StandardCharsets.UTF_8);
        if (root()) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
        }
        RealPostgres postgres = new RealPostgres(bin, dir, Ports.free());
        postgres.asOwner(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
                "--pwfile=" + password, "-A", "scram-sha-256", "--no-locale", "-E", "UTF8", "-N"));
        postgres.restart();
        return postgres;
    }

    /** Starts it (again, after {@link #stop()}), on the same port and data, and waits until it takes connections. */
    public void restart() throws Exception {
        asOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -F", "start"));
    }

    /** Stops it at once, as a crash or a failover would: connections are cut. */
    public void stop() throws Exception {
        asOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                "-w", "stop"));
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** A connection as {@link #USER}, for the test's own queries. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    /** The datasource keys of a Ferry host in cluster mode, the password in a file beside its configuration. */
    public FerryConfigDir configure(FerryConfigDir config, String host) throws IOException {
        Path secret = Files.writeString(config.path().resolve("database.password"), PASSWORD + "\n",
                StandardCharsets.UTF_8);
        return config.property("ferry.cluster.enabled", "true")
                .property("ferry.cluster.host", host)
                .property("ferry.cluster.password-file", secret.toString())
                .property("quarkus.datasource.jdbc.url", jdbcUrl())
                .property("quarkus.datasource.username", USER);
    }

    public String log() throws IOException {
        Path log = dir.resolve("log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } catch (AssertionError | IOException e) {
            // already stopped
        }
        TestFiles.deleteTree(dir);
    }

    private void asOwner(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (root()) {
            full.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        assertTrue(process.exitValue() == 0, String.join(" ", command) + " failed: " + output);
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The newest PostgreSQL installed from Debian's packages (.ci/run installs postgresql-15). */
    private static Path binaries() throws IOException {
        assertTrue(Files.isDirectory(PACKAGES), PACKAGES + " is missing: install the Debian package postgresql-15"
                + " (.ci/run does)");
        try (Stream<Path> versions = Files.list(PACKAGES)) {
            Path bin = versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("pg_ctl")) && Files.isExecutable(b.resolve("initdb")))
                    .max((a, b) -> Integer.compare(major(a), major(b)))
                    .orElseThrow(() -> new AssertionError("no PostgreSQL server in " + PACKAGES
                            + ": install the Debian package postgresql-15 (.ci/run does)"));
            return bin;
        }
    }

    private static int major(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
