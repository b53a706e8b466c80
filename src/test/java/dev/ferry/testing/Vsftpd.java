package dev.ferry.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Debian vsftpd on 127.0.0.1, started by the test that uses it: explicit FTPS forced for logins and data,
 * {@code require_ssl_reuse=YES}, one TLS version (pinned with an OpenSSL config), the generated test certificate.
 * Logs in a local system user with a password; as root (CI) the test creates it.
 */
public final class Vsftpd implements AutoCloseable {

    public static final String USER = "ferrytest";
    public static final String PASSWORD = "Ft-7b1d!pass";
    public static final Path HOME = Path.of("/home", USER);
    private static final Path BINARY = Path.of("/usr/sbin/vsftpd");

    private final Process process;
    private final Path log;
    private final int port;

    private Vsftpd(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    public static Vsftpd start(Path dir, String tlsVersion) throws Exception {
        assertTrue(Files.isExecutable(BINARY), BINARY + " is missing: install the Debian package vsftpd (.ci/run does)");
        ensureUser();
        Files.createDirectories(dir.resolve("empty"));
        int port = freePort();
        int passive = freePort();
        Path log = dir.resolve("vsftpd.log");
        String conf = String.join("\n", List.of(
                "listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1", "listen_port=" + port, "background=NO",
                "anonymous_enable=NO", "local_enable=YES", "write_enable=YES", "local_umask=022", "pam_service_name=vsftpd",
                "secure_chroot_dir=" + dir.resolve("empty"), "seccomp_sandbox=NO", "isolate=NO", "isolate_network=NO",
                "chroot_local_user=YES", "allow_writeable_chroot=YES",
                "pasv_enable=YES", "pasv_address=127.0.0.1", "pasv_min_port=" + passive, "pasv_max_port=" + passive,
                "connect_from_port_20=NO", "port_enable=NO",
                "ssl_enable=YES", "allow_anon_ssl=NO", "force_local_logins_ssl=YES", "force_local_data_ssl=YES",
                "ssl_sslv2=NO", "ssl_sslv3=NO", "ssl_tlsv1=YES", "ssl_ciphers=HIGH", "require_ssl_reuse=YES",
                "rsa_cert_file=" + Certificates.localhost().serverPem(),
                "rsa_private_key_file=" + Certificates.localhost().serverKeyPem(),
                "debug_ssl=YES", "log_ftp_protocol=YES", "xferlog_enable=YES", "xferlog_std_format=NO",
                "vsftpd_log_file=" + log, "max_per_ip=0", "max_clients=0", ""));
        Path confFile = Files.writeString(dir.resolve("vsftpd.conf"), conf, StandardCharsets.UTF_8);
        Path openssl = Files.writeString(dir.resolve("openssl.cnf"), String.join("\n", List.of(
                "openssl_conf = default_conf", "[default_conf]", "ssl_conf = ssl_sect", "[ssl_sect]", "system_default = sys", "[sys]",
                "MinProtocol = " + tlsVersion, "MaxProtocol = " + tlsVersion, "")), StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder(BINARY.toString(), confFile.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout").toFile());
        builder.environment().put("OPENSSL_CONF", openssl.toString());
        Process process = builder.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive() || accepts(port));
        assertTrue(process.isAlive(), "vsftpd did not start: " + Files.readString(dir.resolve("stdout")));
        return new Vsftpd(process, log, port);
    }

    public int port() {
        return port;
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static void ensureUser() throws Exception {
        if (run("id", USER) != 0) {
            assertTrue(run("useradd", "-m", "-s", "/bin/bash", USER) == 0,
                    "cannot create the system user " + USER + " for vsftpd's local login: run the tests as root (CI does)");
        }
        Process chpasswd = new ProcessBuilder("chpasswd").redirectErrorStream(true).start();
        chpasswd.getOutputStream().write((USER + ":" + PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        chpasswd.getOutputStream().close();
        assertTrue(chpasswd.waitFor() == 0, "chpasswd failed: " + new String(chpasswd.getInputStream().readAllBytes()));
        Files.createDirectories(HOME);
        run("chown", USER + ":", HOME.toString());
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor();
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
