package dev.ferry.ftps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

/**
 * The FTPS client against an embedded server that refuses data connections not resuming the control session. Over
 * 300 lines: session reuse on both TLS versions, the certificate checks, the command guard and the foreign-thread
 * abort all need the same server and client set-up.
 */
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
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void everyDataConnectionResumesTheControlSession(String tls) throws Exception {
        server = start(true, tls);
        FtpsClient client = new FtpsClient(
                TestTargets.target(server.port(), "ferry", "secret", Certificates.localhost().caPem(), tls), false);
        connect(client);
        try {
            for (int i = 0; i < SIZES.size(); i++) {
                Path local = TestFiles.random(tmp.resolve("local/file-" + i), SIZES.get(i), i);
                try (InputStream in = Files.newInputStream(local)) {
                    assertTrue(client.storeFile("file-" + i, in), client.getReplyString());
                }
                TransferReport report = client.report().transfer();
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
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
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
            assertTrue(stock.getReplyString().startsWith("522 Data connection must use cached TLS session"),
                    stock.getReplyString());
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
        FtpsClient client = new FtpsClient(
                TestTargets.target(server.port(), "ferry", "secret", Certificates.otherCa().caPem()), false);
        TargetUnavailableException e = assertThrows(TargetUnavailableException.class,
                () -> client.connect("localhost", server.port()));
        assertTrue(e.getMessage().contains("not trusted") && e.getMessage().contains("ferry.targets.test.trust-store"),
                e.getMessage());
        assertFalse(client.isConnected());
    }

    @Test
    void aServerTricklingItsTlsHandshakeIsCutAtTheDataTimeout() throws Exception {
        // each byte of the "ServerHello" comes well within the socket's read timeout, the whole never: only the
        // handshake's overall deadline ends it
        try (ServerSocket slow = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try {
                executor.submit(() -> {
                    try (Socket socket = slow.accept()) {
                        Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
                        BufferedReader in = new BufferedReader(
                                new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                        out.write("220 slow\r\n");
                        out.flush();
                        assertEquals("AUTH TLS", in.readLine());
                        out.write("234 go ahead\r\n");
                        out.flush();
                        // a TLS record header announcing a handshake message, then its body a byte at a time
                        byte[] header = {0x16, 0x03, 0x03, 0x40, 0x00};
                        socket.getOutputStream().write(header);
                        for (int i = 0; i < 100; i++) {
                            Thread.sleep(300);
                            socket.getOutputStream().write(0x02);
                            socket.getOutputStream().flush();
                        }
                    }
                    return null;
                });
                FtpsClient client = new FtpsClient(
                        TestTargets.target(slow.getLocalPort(), Certificates.localhost().caPem(),
                                Duration.ofSeconds(2)),
                        false);
                long start = System.nanoTime();
                TargetUnavailableException e = assertThrows(TargetUnavailableException.class,
                        () -> client.connect("localhost", slow.getLocalPort()));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(e.getMessage().contains("did not complete within 2 s (ferry.targets.test.data-timeout)"),
                        e.getMessage());
                assertTrue(millis < 10_000, "cut after " + millis + " ms, not at the 2 s deadline");
                assertFalse(client.isConnected());
            } finally {
                executor.shutdownNow();
            }
        }
    }

    @Test
    void aServerResettingTheConnectionDuringTheHandshakeGetsTheTlsVersionAdvice() throws Exception {
        // what a server limited to TLS 1.0/1.1 does when it closes before its alert is read: a reset, not an alert
        try (ServerSocket legacy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try {
                Future<?> served = executor.submit(() -> {
                    try (Socket socket = legacy.accept()) {
                        Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
                        BufferedReader in = new BufferedReader(
                                new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                        out.write("220 legacy\r\n");
                        out.flush();
                        assertEquals("AUTH TLS", in.readLine());
                        out.write("234 go ahead\r\n");
                        out.flush();
                        assertTrue(socket.getInputStream().read() >= 0, "no ClientHello");
                        socket.setSoLinger(true, 0);
                    }
                    return null;
                });
                FtpsClient client = new FtpsClient(
                        TestTargets.target(legacy.getLocalPort(), "ferry", "secret", Certificates.localhost().caPem()),
                        false);
                TargetUnavailableException e = assertThrows(TargetUnavailableException.class,
                        () -> client.connect("localhost", legacy.getLocalPort()));
                served.get(10, TimeUnit.SECONDS);
                assertTrue(e.getMessage().contains("no TLS version in common")
                        && e.getMessage().contains("older than TLS 1.2"), e.getMessage());
                assertFalse(client.isConnected());
            } finally {
                executor.shutdownNow();
            }
        }
    }

    @Test
    void certificateForAnotherNameIsRefused() throws Exception {
        TestCertificates elsewhere = Certificates.named("elsewhere.example");
        server = EmbeddedFtpsServer.builder().root(tmp.resolve("server")).user("ferry", "secret")
                .keyStore(elsewhere.serverKeyStore(), TestCertificates.PASSWORD).start();
        FtpsClient client = new FtpsClient(TestTargets.target(server.port(), "ferry", "secret", elsewhere.caPem()),
                false);
        TargetUnavailableException e = assertThrows(TargetUnavailableException.class,
                () -> client.connect("localhost", server.port()));
        assertTrue(e.getMessage().contains("does not name localhost")
                && e.getMessage().contains("ferry.targets.test.host"), e.getMessage());
    }

    @Test
    void hostNameIsVerifiedOnTheDataConnectionToo() throws Exception {
        TestCertificates elsewhere = Certificates.named("elsewhere.example");
        server = TestServers.embedded(tmp.resolve("server"))
                .dataConnectionKeyStore(elsewhere.serverKeyStore()).requireSessionReuse(false).start();
        Path bothCas = tmp.resolve("both-cas.pem");
        Files.writeString(bothCas,
                Files.readString(Certificates.localhost().caPem()) + Files.readString(elsewhere.caPem()));
        FtpsClient client = new FtpsClient(TestTargets.target(server.port(), "ferry", "secret", bothCas), false);
        connect(client);
        try (client) {
            IOException e = assertThrows(IOException.class,
                    () -> client.storeFile("x.txt", InputStream.nullInputStream()));
            assertTrue(e.getMessage().contains("TLS handshake on the data connection")
                    && e.getMessage().contains("localhost"), e.getMessage());
        }
        assertFalse(Files.exists(tmp.resolve("server/x.txt")));
    }

    @Test
    void refusedLoginIsReportedAsSuch() throws Exception {
        server = start(true, "TLSv1.3");
        FtpsClient client = new FtpsClient(
                TestTargets.target(server.port(), "ferry", "wrong", Certificates.localhost().caPem()), false);
        client.connect("localhost", server.port());
        try {
            LoginRefusedException e = assertThrows(LoginRefusedException.class,
                    () -> client.login("ignored", "ignored"));
            assertTrue(e.getMessage().contains("530"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong"), "the password must never appear in a message");
        } finally {
            client.disconnect();
        }
    }

    @Test
    void anArgumentWithALineBreakIsNeverSentSoNoCommandCanBeSmuggledIn() throws Exception {
        server = start(true, "TLSv1.3");
        Path victim = TestFiles.random(tmp.resolve("server/victim.csv"), 100, 1);
        FtpsClient client = new FtpsClient(
                TestTargets.target(server.port(), "ferry", "secret", Certificates.localhost().caPem()), false);
        connect(client);
        try (client) {
            for (String name : List.of("x\r\nDELE victim.csv\r\nNOOP", "x\nDELE victim.csv",
                    "x\u0000DELE victim.csv")) {
                UnsafeArgumentException e = assertThrows(UnsafeArgumentException.class,
                        () -> client.storeFile(name, InputStream.nullInputStream()));
                assertTrue(e.getMessage().contains("holds a line break or NUL") && !e.getMessage().contains("\n"),
                        e.getMessage());
                assertThrows(UnsafeArgumentException.class, () -> client.rename(name, "y"));
                assertThrows(UnsafeArgumentException.class, () -> client.changeWorkingDirectory(name));
            }
            // the connection is still in step: the next reply is the next command's
            try (InputStream in = InputStream.nullInputStream()) {
                assertTrue(client.storeFile("after.txt", in), client.getReplyString());
            }
        }
        assertTrue(Files.exists(victim), "the smuggled DELE was run");
        assertFalse(server.commandsSeen().contains("DELE"), server.commandsSeen().toString());
        assertTrue(Files.exists(tmp.resolve("server/after.txt")));
    }

    @Test
    void aLogoutFromAnotherThreadDuringAnUploadClosesTheConnectionInsteadOfReadingTheUploadsReply() throws Exception {
        server = start(true, "TLSv1.2");
        FtpsClient client = new FtpsClient(
                TestTargets.target(server.port(), "ferry", "secret", Certificates.localhost().caPem()), false);
        connect(client);
        java.util.concurrent.CountDownLatch sending = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        // the route thread: an upload whose local file delivers its bytes slowly
        InputStream slow = new InputStream() {

            private int left = 64 * 1024;

            @Override
            public int read() throws IOException {
                sending.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                return left-- > 0 ? 'x' : -1;
            }
        };
        // two threads of its own: the common pool may have one only, and the upload blocks it
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        java.util.concurrent.CompletableFuture<Boolean> upload = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return client.storeFile("slow.txt", slow);
                    } catch (IOException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }, threads);
        assertTrue(sending.await(10, java.util.concurrent.TimeUnit.SECONDS));
        // what Camel's producer does when a forced shutdown stops it: logout, then disconnect, from its own thread
        java.util.concurrent.CompletableFuture<Void> stop = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                client.logout();
                client.disconnect();
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, threads);
        stop.get(5, java.util.concurrent.TimeUnit.SECONDS);
        release.countDown();
        java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> upload.get(20, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(failed.getCause() instanceof IOException, failed.toString());
        assertFalse(server.commandsSeen().contains("QUIT"), "QUIT was sent while the upload waited for its reply");
        threads.shutdownNow();
        client.disconnect();
        assertFalse(client.isConnected());
    }

    @Test
    void aRenameOverAnExistingFileReplacesItOnAServerThatRefusesThatInOneStep() throws Exception {
        // Apache FtpServer answers RNTO onto an existing name with 553, like any other refused rename
        server = start(true, "TLSv1.2");
        TestFiles.random(tmp.resolve("server/report.csv"), 100, 1);
        Path fresh = TestFiles.random(tmp.resolve("local/report.csv"), 200, 2);
        FtpsClient client = new FtpsClient(
                TestTargets.target(server.port(), "ferry", "secret", Certificates.localhost().caPem()), false);
        connect(client);
        try (client; InputStream in = Files.newInputStream(fresh)) {
            assertTrue(client.storeFile(".report.csv.part", in), client.getReplyString());
            assertTrue(client.rename(".report.csv.part", "report.csv"));
        }
        TestFiles.assertSameBytes(fresh, tmp.resolve("server/report.csv"));
        assertFalse(Files.exists(tmp.resolve("server/.report.csv.part")));
    }

    @Test
    void aPausedTargetGetsNoConnectionNotEvenFromARetry() throws Exception {
        server = start(true, "TLSv1.2");
        FtpsClient client = new FtpsClient(
                TestTargets.target(server.port(), "ferry", "secret", Certificates.localhost().caPem()), false);
        client.connectGuard(() -> {
            throw new TargetPausedException("target test is paused");
        });
        assertThrows(TargetPausedException.class, () -> client.connect("localhost", server.port()));
        assertFalse(client.isConnected());
        assertEquals(0, server.sessions().logins());
        assertTrue(server.commandsSeen().isEmpty(), server.commandsSeen().toString());
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
