package dev.ferry.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Generates a CA and a server certificate signed by it, with the JDK's keytool (no keystore is ever committed and no
 * JDK-internal API is used). Files: {@code ca.pem} (what a client trusts), {@code server.p12} (key and chain for the
 * server, password {@link #PASSWORD}), {@code server.pem}.
 */
public final class TestCertificates {

    public static final String PASSWORD = "ferry-demo";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** A CA of its own and a server certificate for localhost that expired days ago. */
    public static TestCertificates expired(Path dir) throws IOException {
        TestCertificates certificates = new TestCertificates(dir);
        if (!Files.exists(certificates.serverKeyStore())) {
            certificates.generate("CN=localhost", "dns:localhost,ip:127.0.0.1", 3650, "-10d", 2);
        }
        return certificates;
    }

    /** Creates them in {@code dir} unless they are already there. */
    public static TestCertificates in(Path dir, String... subjectAltNames) throws IOException {
        TestCertificates certificates = new TestCertificates(dir);
        if (!Files.exists(certificates.serverKeyStore()) || !Files.exists(certificates.caPem())
                || !Files.exists(certificates.serverKeyPem())) {
            certificates.generate("CN=localhost",
                    subjectAltNames.length == 0 ? "dns:localhost,ip:127.0.0.1" : String.join(",", subjectAltNames),
                    3650, null, 3650);
        }
        return certificates;
    }

    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    public Path serverKeyStore() {
        return dir.resolve("server.p12");
    }

    public Path serverPem() {
        return dir.resolve("server.pem");
    }

    /** The server's private key as PKCS#8 PEM, for servers configured with OpenSSL (vsftpd, ProFTPD). */
    public Path serverKeyPem() {
        return dir.resolve("server.key");
    }

    private void generate(String subject, String san, int days, String serverStart, int serverDays) throws IOException {
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca.p12");
        Path request = dir.resolve("server.csr");
        for (Path p : List.of(ca, serverKeyStore(), request, caPem(), serverPem(), serverKeyPem())) {
            Files.deleteIfExists(p);
        }
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Ferry Test CA",
                "-ext", "bc:c", "-validity", String.valueOf(days), "-keystore", ca.toString());
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", caPem().toString());
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", subject,
                "-validity", String.valueOf(days), "-keystore", serverKeyStore().toString());
        keytool("-certreq", "-alias", "server", "-keystore", serverKeyStore().toString(), "-file", request.toString());
        List<String> gencert = new ArrayList<>(
                List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-infile",
                        request.toString(), "-outfile", serverPem().toString(), "-validity", String.valueOf(serverDays),
                        "-ext", "SAN=" + san,
                        "-ext", "EKU=serverAuth"));
        if (serverStart != null) {
            gencert.addAll(List.of("-startdate", serverStart));
        }
        keytool(gencert.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem().toString(), "-keystore",
                serverKeyStore().toString());
        keytool("-importcert", "-noprompt", "-alias", "server", "-file", serverPem().toString(), "-keystore",
                serverKeyStore().toString());
        Files.deleteIfExists(request);
        writeKeyPem();
    }

    private void writeKeyPem() throws IOException {
        try (InputStream in = Files.newInputStream(serverKeyStore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            Key key = store.getKey("server", PASSWORD.toCharArray());
            String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(key.getEncoded());
            Files.writeString(serverKeyPem(),
                    "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n",
                    StandardCharsets.US_ASCII);
            serverKeyPem().toFile().setReadable(false, false);
            serverKeyPem().toFile().setReadable(true, true);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot export the server key: " + e.getMessage(), e);
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
