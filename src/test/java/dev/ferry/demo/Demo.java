package dev.ferry.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.ferry.testing.FerryProcess;
import org.apache.ftpserver.ftplet.FtpException;

/**
 * The README's first command ({@code ./mvnw -q exec:java@demo}): an embedded FTPS server on 127.0.0.1:2121 playing AWS
 * Transfer Family storing into S3 ({@link EmbeddedFtpsServer.Builder#transferFamily}: TLS 1.2 only, data connections
 * refused unless they resume the control connection's TLS session, nine passive ports, uploads invisible until
 * complete, renames as a copy and a delete), and the packaged Ferry ({@code target/quarkus-app/quarkus-run.jar}, or
 * the native binary if {@code package -Dnative} made one since) run against it with the repository's
 * {@code application.properties} and {@code routes/}, as an operator runs it. Lives with the tests, so neither the
 * server nor its certificates are in the product.
 * <p>
 * Keeps a generated CA and certificate in {@code demo/tls}, a generated password in {@code demo/password}, uploads
 * in {@code demo/server}, and the outbox in {@code demo/outbox}.
 */
public final class Demo {

    public static final int PORT = 2121;
    /** Nine, as Transfer Family's 8192-8200. */
    public static final String PASSIVE_PORTS = "30100-30108";

    private Demo() {
    }

    /** Starts the demo's server for the checkout {@code checkout}, creating what it needs in {@code demo/}. */
    public static EmbeddedFtpsServer startServer(Path checkout) throws IOException, FtpException {
        Path dir = checkout.resolve("demo").toAbsolutePath().normalize();
        Files.createDirectories(dir.resolve("outbox"));
        Path passwordFile = dir.resolve("password");
        if (!Files.exists(passwordFile)) {
            byte[] random = new byte[12];
            new SecureRandom().nextBytes(random);
            // created 0600, so it is never readable by others, not even between its creation and a chmod
            Files.createFile(passwordFile,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passwordFile, HexFormat.of().formatHex(random), StandardCharsets.UTF_8);
        }
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        TestCertificates certificates = TestCertificates.in(dir.resolve("tls"));
        return EmbeddedFtpsServer.builder()
                .transferFamily(EmbeddedFtpsServer.Storage.S3)
                .root(dir.resolve("server"))
                .port(PORT)
                .passivePorts(PASSIVE_PORTS)
                .user("demo", Files.readString(passwordFile, StandardCharsets.UTF_8).trim())
                .keyStore(certificates.serverKeyStore(), TestCertificates.PASSWORD)
                .start();
    }

    public static void main(String[] args) throws Exception {
        Path checkout = Path.of("").toAbsolutePath();
        Path jar = checkout.resolve("target/quarkus-app/quarkus-run.jar");
        // the native binary when package -Dnative made one after the jar, as the tests choose
        Path binary = FerryProcess.nativeBinary();
        if (binary == null && !Files.isRegularFile(jar)) {
            System.err.println("No " + jar + ": build it first with ./mvnw -q package -DskipTests");
            System.exit(1);
        }
        EmbeddedFtpsServer server = startServer(checkout);
        System.out.println("DEMO: embedded FTPS server on 127.0.0.1:" + server.port()
                + " plays AWS Transfer Family storing into S3: TLS 1.2 only, TLS session reuse required, objects appear"
                + " when their upload ends; uploads land in " + checkout.resolve("demo/server") + ". Drop files into "
                + checkout.resolve("demo/outbox")
                + "; Ctrl-C stops both.");
        showStorageEvents(server);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = binary != null ? List.of(binary.toString()) : List.of(java, "-jar", jar.toString());
        System.out.println("DEMO: running " + String.join(" ", command));
        Process ferry = new ProcessBuilder(command).directory(checkout.toFile()).inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ferry.destroy();
            try {
                ferry.waitFor(40, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.close();
        }));
        int status = ferry.waitFor();
        server.close();
        System.exit(status);
    }

    /** Prints, as they happen, what S3 and a managed workflow would see of each upload ("DEMO S3: ON_UPLOAD ..."). */
    private static void showStorageEvents(EmbeddedFtpsServer server) {
        Thread printer = new Thread(() -> {
            int shown = 0;
            try {
                while (true) {
                    List<StorageEvent> events = server.storageEvents();
                    for (StorageEvent event : events.subList(shown, events.size())) {
                        System.out.println("DEMO S3: " + event);
                    }
                    shown = events.size();
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-s3-events");
        printer.setDaemon(true);
        printer.start();
    }
}
