package dev.ferry.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real FTPS server from Debian, started by the test that uses it on 127.0.0.1 with the generated test certificate
 * and pinned to one TLS version: vsftpd ({@code require_ssl_reuse=YES}), ProFTPD (mod_tls, {@code TLSRequired on},
 * session reuse required by default) or pure-ftpd ({@code -Y 3}). vsftpd is the installed package; ProFTPD and
 * pure-ftpd are unpacked into target/ftp-servers (they conflict as installed packages). All log in a local system
 * user with a password, which the tests create when run as root (CI is).
 */
public final class RealFtpServer implements AutoCloseable {

    public enum Kind {
        VSFTPD, PROFTPD, PURE_FTPD
    }

    /** A TLS version argument for a server that offers only TLS 1.0 and 1.1. */
    public static final String LEGACY = "TLSv1.0-1.1";
    public static final String USER = "ferrytest";
    public static final String PASSWORD = "Ft-7b1d!pass";
    public static final Path HOME = Path.of("/home", USER);
    public static final int PASSIVE_PORTS = 10;
    static final Path UNPACKED = Path.of("target", "ftp-servers").toAbsolutePath();

    private final Kind kind;
    private final Process process;
    private final Path dir;
    private final int port;
    private final int passivePorts;

    private RealFtpServer(Kind kind, Process process, Path dir, int port, int passivePorts) {
        this.kind = kind;
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.passivePorts = passivePorts;
    }

    /** The first of the {@link #PASSIVE_PORTS} passive data ports. */
    public int passivePorts() {
        return passivePorts;
    }

    public static RealFtpServer start(Kind kind, Path dir, String tlsVersion) throws Exception {
        return start(kind, dir, tlsVersion, List.of());
    }

    /** @param extraVsftpdConf further {@code key=value} lines for vsftpd's configuration */
    public static RealFtpServer start(Kind kind, Path dir, String tlsVersion, List<String> extraVsftpdConf)
            throws Exception {
        ensureUser();
        Files.createDirectories(dir);
        int port = Ports.free();
        int passive = Ports.freeRange(PASSIVE_PORTS);
        // LEGACY: TLS 1.0 and 1.1 only, which OpenSSL 3 allows at security level 0
        boolean legacy = LEGACY.equals(tlsVersion);
        Path openssl = Files.writeString(dir.resolve("openssl.cnf"), String.join("\n", List.of(
                "openssl_conf = default_conf", "[default_conf]", "ssl_conf = ssl_sect", "[ssl_sect]",
                "system_default = sys", "[sys]",
                "MinProtocol = " + (legacy ? "TLSv1" : tlsVersion),
                "MaxProtocol = " + (legacy ? "TLSv1.1" : tlsVersion),
                legacy ? "CipherString = DEFAULT@SECLEVEL=0" : "", "")), StandardCharsets.UTF_8);
        List<String> command;
        Map<String, String> env = new java.util.HashMap<>(Map.of("OPENSSL_CONF", openssl.toString()));
        switch (kind) {
            case VSFTPD ->
                command = List.of(vsftpdBinary(), vsftpdConf(dir, port, passive, legacy, extraVsftpdConf).toString());
            case PROFTPD -> {
                unpack();
                command = List.of(UNPACKED.resolve("usr/sbin/proftpd").toString(), "-n", "-c",
                        proftpdConf(dir, port, passive, tlsVersion).toString());
                env.put("LD_LIBRARY_PATH", UNPACKED.resolve("usr/lib/x86_64-linux-gnu").toString());
            }
            default -> {
                unpack();
                command = List.of(UNPACKED.resolve("usr/sbin/pure-ftpd").toString(), "-S", "127.0.0.1," + port, "-p",
                        passive + ":" + (passive + PASSIVE_PORTS - 1),
                        "-P", "127.0.0.1", "-E", "-A", "-l", "unix", "-u", "1000", "-Y", "3",
                        "-2", Certificates.localhost().serverPem() + "," + Certificates.localhost().serverKeyPem(),
                        "-O", "clf:" + dir.resolve("xfer.log"), "-4");
                env.put("LD_LIBRARY_PATH", UNPACKED.resolve("usr/lib/x86_64-linux-gnu").toString());
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout").toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive() || accepts(port));
        assertTrue(process.isAlive(), kind + " did not start: " + Files.readString(dir.resolve("stdout")));
        return new RealFtpServer(kind, process, dir, port, passive);
    }

    public Kind kind() {
        return kind;
    }

    public int port() {
        return port;
    }

    /** What the server logged about TLS (vsftpd's debug_ssl log, ProFTPD's TLSLog); empty for pure-ftpd. */
    public String tlsLog() throws IOException {
        Path log = switch (kind) {
            case VSFTPD -> dir.resolve("vsftpd.log");
            case PROFTPD -> dir.resolve("tls.log");
            default -> dir.resolve("none");
        };
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static String vsftpdBinary() {
        Path binary = Path.of("/usr/sbin/vsftpd");
        assertTrue(Files.isExecutable(binary),
                binary + " is missing: install the Debian package vsftpd (.ci/run does)");
        return binary.toString();
    }

    private static Path vsftpdConf(Path dir, int port, int passive, boolean legacy, List<String> extra)
            throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        String conf = String.join("\n", List.of(
                "listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1", "listen_port=" + port, "background=NO",
                "anonymous_enable=NO", "local_enable=YES", "write_enable=YES", "local_umask=022",
                "pam_service_name=vsftpd",
                "secure_chroot_dir=" + dir.resolve("empty"), "seccomp_sandbox=NO", "isolate=NO", "isolate_network=NO",
                "chroot_local_user=YES", "allow_writeable_chroot=YES",
                "pasv_enable=YES", "pasv_address=127.0.0.1", "pasv_min_port=" + passive,
                "pasv_max_port=" + (passive + PASSIVE_PORTS - 1),
                "connect_from_port_20=NO", "port_enable=NO",
                "ssl_enable=YES", "allow_anon_ssl=NO", "force_local_logins_ssl=YES", "force_local_data_ssl=YES",
                "ssl_sslv2=NO", "ssl_sslv3=NO", "ssl_tlsv1=YES",
                "ssl_ciphers=" + (legacy ? "DEFAULT@SECLEVEL=0" : "HIGH"), "require_ssl_reuse=YES",
                "rsa_cert_file=" + Certificates.localhost().serverPem(),
                "rsa_private_key_file=" + Certificates.localhost().serverKeyPem(),
                "debug_ssl=YES", "log_ftp_protocol=YES", "xferlog_enable=YES", "xferlog_std_format=NO",
                "vsftpd_log_file=" + dir.resolve("vsftpd.log"), "max_per_ip=0", "max_clients=0", ""))
                + String.join("\n", extra) + "\n";
        return Files.writeString(dir.resolve("vsftpd.conf"), conf, StandardCharsets.UTF_8);
    }

    private static Path proftpdConf(Path dir, int port, int passive, String tlsVersion) throws IOException {
        String conf = String.join("\n", List.of(
                "ServerName \"ferry-test\"", "ServerType standalone", "DefaultServer on", "Port " + port,
                "DefaultAddress 127.0.0.1", "SocketBindTight on", "UseIPv6 off",
                "PidFile " + dir.resolve("proftpd.pid"), "ScoreboardFile " + dir.resolve("proftpd.scoreboard"),
                "DelayTable " + dir.resolve("proftpd.delay"), "User nobody", "Group nogroup", "Umask 022",
                "MaxInstances 50",
                "AllowOverwrite on", "RequireValidShell off", "UseReverseDNS off", "WtmpLog off", "DefaultRoot ~",
                "AuthOrder mod_auth_unix.c", "PassivePorts " + passive + " " + (passive + PASSIVE_PORTS - 1),
                "SystemLog " + dir.resolve("system.log"), "TransferLog " + dir.resolve("xfer.log"),
                "ModulePath " + UNPACKED.resolve("usr/lib/proftpd"), "LoadModule mod_tls.c",
                "<IfModule mod_tls.c>", "  TLSEngine on", "  TLSLog " + dir.resolve("tls.log"),
                "  TLSProtocol " + tlsVersion,
                "  TLSRSACertificateFile " + Certificates.localhost().serverPem(),
                "  TLSRSACertificateKeyFile " + Certificates.localhost().serverKeyPem(),
                "  TLSRequired on", "  TLSVerifyClient off", "  TLSRenegotiate none", "</IfModule>", ""));
        return Files.writeString(dir.resolve("proftpd.conf"), conf, StandardCharsets.UTF_8);
    }

    private static synchronized void unpack() throws Exception {
        Process fetch = new ProcessBuilder(
                Path.of("src", "test", "sh", "fetch-ftp-servers").toAbsolutePath().toString(), UNPACKED.toString())
                .redirectErrorStream(true).start();
        String output = new String(fetch.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, fetch.waitFor(), "cannot unpack ProFTPD and pure-ftpd: " + output);
    }

    private static synchronized void ensureUser() throws Exception {
        if (run("id", USER) != 0) {
            assertEquals(0, run("useradd", "-m", "-s", "/bin/bash", USER),
                    "cannot create the system user " + USER
                            + " for the servers' local logins: run the tests as root (CI does)");
        }
        Process chpasswd = new ProcessBuilder("chpasswd").redirectErrorStream(true).start();
        chpasswd.getOutputStream().write((USER + ":" + PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        chpasswd.getOutputStream().close();
        assertEquals(0, chpasswd.waitFor(), "chpasswd failed: " + new String(chpasswd.getInputStream().readAllBytes()));
        Files.createDirectories(HOME);
        run("chown", USER + ":", HOME.toString());
    }

    private static int run(String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of(command));
        return new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

}
