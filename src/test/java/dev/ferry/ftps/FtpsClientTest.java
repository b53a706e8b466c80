package dev.ferry.ftps;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.demo.TestCertificates;
import dev.ferry.testing.Certificates;
import dev.ferry.testing.TestFiles;
import dev.ferry.testing.TestServers;
import dev.ferry.testing.TestTargets;
import org.apache.commons.net.ftp.FTPSClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The FTPS client against an embedded server that refuses data connections not resuming the control session. */
class FtpsClientTest {

    private static final List<Long> SIZES = List.of(0L, 1L, 4096L, 1024L * 1024, 3L * 1024 * 1024 + 17);

    @TempDir
    Path tmp;

    private EmbeddedFtpsServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.2", "TLSv1.3" })
    void everyDataConnectionResumesTheControlSession(String tls) throws Exception {
        server = start(true, tls);
        FtpsClient client = new FtpsClient(TestTargets.target(server.port(), "ferry", "secret", Certificates.localhost().caPem(), tls), false);
        connect(client);
        try {
            for (int i = 0; i < SIZES.size(); i++) {
                Path local = TestFiles.random(tmp.resolve("local/file-" + i), SIZES.get(i), i);
                try (InputStream in = Files.newInputStream(local)) {
                    assertTrue(client.storeFile("file-" + i, in), client.getReplyString());
                }
                TransferReport report = client.lastTransfer();
                assertTrue(report.sessionResumed(), "client saw a full handshake on upload " + i);
                assertEquals(tls, report.tlsProtocol());
                assertEquals(SIZES.get(i), report.bytes());
                TestFiles.assertSameBytes(local, tmp.resolve("server/file-" + i));
                // a listing between uploads is a data connection too, and must not use up what the next one resumes
                assertEquals(i + 1, client.listNames().length);
            }
        } finally {
            client.disconnect();
        }
        assertEquals(0, server.sessions().notResumed(), "data connections with a full handshake");
        assertEquals(2 * SIZES.size(), server.sessions().resumed(), "resumed data connections (uploads and listings)");
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.2", "TLSv1.3" })
    void commonsNetAsShippedIsRefusedWith522(String tls) throws Exception {
        server = start(true, tls);
        FTPSClient stock = stockClient();
        try {
            boolean stored;
            try (InputStream in = InputStream.nullInputStream()) {
                stored = stock.storeFile("stock.txt", in);
            } catch (IOException e) {
                stored = false;
            }
            assertFalse(stored);
            assertTrue(stock.getReplyString().startsWith("522 Data connection must use cached TLS session"), stock.getReplyString());
        } finally {
            stock.disconnect();
        }
        assertEquals(1, server.sessions().notResumed());
        assertFalse(Files.exists(tmp.resolve("server/stock.txt")));
    }

    @Test
    void withoutTheRequirementAFullHandshakeIsCountedButAccepted() throws Exception {
        server = start(false, "TLSv1.2");
        FTPSClient stock = stockClient();
        try {
            try (InputStream in = InputStream.nullInputStream()) {
                assertTrue(stock.storeFile("stock.txt", in), stock.getReplyString());
            }
        } finally {
            stock.disconnect();
        }
        assertEquals(1, server.sessions().notResumed());
        assertTrue(Files.exists(tmp.resolve("server/stock.txt")));
    }

    @Test
    void untrustedCertificateIsRefusedWithAdviceOnTrustStore() throws Exception {
        server = start(true, "TLSv1.3");
        FtpsClient client = new FtpsClient(TestTargets.target(server.port(), "ferry", "secret", Certificates.otherCa().caPem()), false);
        TargetUnavailableException e = assertThrows(TargetUnavailableException.class, () -> client.connect("localhost", server.port()));
        assertTrue(e.getMessage().contains("not trusted") && e.getMessage().contains("ferry.targets.test.trust-store"), e.getMessage());
        assertFalse(client.isConnected());
    }

    @Test
    void certificateForAnotherNameIsRefused() throws Exception {
        TestCertificates elsewhere = Certificates.named("elsewhere.example");
        server = EmbeddedFtpsServer.builder().root(tmp.resolve("server")).user("ferry", "secret")
                .keyStore(elsewhere.serverKeyStore(), TestCertificates.PASSWORD).start();
        FtpsClient client = new FtpsClient(TestTargets.target(server.port(), "ferry", "secret", elsewhere.caPem()), false);
        TargetUnavailableException e = assertThrows(TargetUnavailableException.class, () -> client.connect("localhost", server.port()));
        assertTrue(e.getMessage().contains("does not name localhost") && e.getMessage().contains("ferry.targets.test.host"), e.getMessage());
    }

    @Test
    void hostNameIsVerifiedOnTheDataConnectionToo() throws Exception {
        TestCertificates elsewhere = Certificates.named("elsewhere.example");
        server = TestServers.embedded(tmp.resolve("server"))
                .dataConnectionKeyStore(elsewhere.serverKeyStore()).requireSessionReuse(false).start();
        Path bothCas = tmp.resolve("both-cas.pem");
        Files.writeString(bothCas, Files.readString(Certificates.localhost().caPem()) + Files.readString(elsewhere.caPem()));
        FtpsClient client = new FtpsClient(TestTargets.target(server.port(), "ferry", "secret", bothCas), false);
        connect(client);
        try (client) {
            IOException e = assertThrows(IOException.class, () -> client.storeFile("x.txt", InputStream.nullInputStream()));
            assertTrue(e.getMessage().contains("TLS handshake on the data connection") && e.getMessage().contains("localhost"), e.getMessage());
        }
        assertFalse(Files.exists(tmp.resolve("server/x.txt")));
    }

    @Test
    void refusedLoginIsReportedAsSuch() throws Exception {
        server = start(true, "TLSv1.3");
        FtpsClient client = new FtpsClient(TestTargets.target(server.port(), "ferry", "wrong", Certificates.localhost().caPem()), false);
        client.connect("localhost", server.port());
        try {
            LoginRefusedException e = assertThrows(LoginRefusedException.class, () -> client.login("ignored", "ignored"));
            assertTrue(e.getMessage().contains("530"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong"), "the password must never appear in a message");
        } finally {
            client.disconnect();
        }
    }

    /** Commons Net as shipped, with proper trust, logged in and ready to transfer. */
    private FTPSClient stockClient() throws Exception {
        TrustManager[] trust = TrustStores.trustManagers(Certificates.localhost().caPem(), null);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust, null);
        return TestTargets.readyToTransfer(new FTPSClient(false, context), server.port(), "ferry", "secret");
    }

    private EmbeddedFtpsServer start(boolean requireReuse, String tls) throws Exception {
        return TestServers.embedded(tmp.resolve("server"))
                .protocols(tls)
                .requireSessionReuse(requireReuse)
                .start();
    }

    private void connect(FtpsClient client) throws IOException {
        TestTargets.readyToTransfer(client, server.port(), "ignored", "ignored");
    }
}
