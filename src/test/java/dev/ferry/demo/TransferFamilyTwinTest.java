package dev.ferry.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;

import dev.ferry.config.TargetConfig;
import dev.ferry.demo.EmbeddedFtpsServer.Resumption;
import dev.ferry.demo.EmbeddedFtpsServer.Storage;
import dev.ferry.demo.StorageEvent.Kind;
import dev.ferry.ftps.FtpsClient;
import dev.ferry.ftps.TrustStores;
import dev.ferry.testing.Certificates;
import dev.ferry.testing.TestFiles;
import dev.ferry.testing.TestServers;
import dev.ferry.testing.TestTargets;
import org.apache.commons.net.ftp.FTPSClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Transfer Family twin ({@link EmbeddedFtpsServer.Builder#transferFamily}) against real FTPS clients: Ferry's own,
 * which resumes TLS sessions, and Commons Net as shipped, which does not. Asserts on the objects' bytes and on what S3
 * and the managed workflows would have seen.
 */
class TransferFamilyTwinTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private EmbeddedFtpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aCompleteUploadCreatesOneObjectAndStartsOneOnUploadWorkflow() throws Exception {
        server = twin(Storage.S3).start();
        Path local = TestFiles.random(tmp.resolve("local/a.csv"), 100_000, 1);
        try (FtpsClient client = client("TLSv1.2"); InputStream in = Files.newInputStream(local)) {
            assertTrue(client.storeFile("a.csv", in), client.getReplyString());
        }
        TestFiles.assertSameBytes(local, root().resolve("a.csv"));
        assertEquals(List.of(Kind.OBJECT_CREATED, Kind.ON_UPLOAD), kinds(server.eventsFor("a.csv")));
        assertEquals(100_000, server.eventsFor("a.csv").get(0).size());
        assertEquals(List.of("a.csv"), server.onUploads());
        assertTrue(server.onPartialUploads().isEmpty());
    }

    @Test
    void directUploadsWithPipeliningCreateOneObjectAndStartOneWorkflowEach() throws Exception {
        server = twin(Storage.S3).start();
        List<String> names = List.of("p0.csv", "p1.csv", "p2.csv", "p3.csv", "p4.csv");
        FtpsClient client = new FtpsClient(TestTargets.target(server.port(), TestServers.USER, TestServers.PASSWORD,
                Certificates.localhost().caPem(), TargetConfig.Storage.S3, true, "TLSv1.2"), false);
        try (client) {
            TestTargets.readyToTransfer(client, server.port(), "ignored", "ignored");
            for (int i = 0; i < names.size(); i++) {
                Path local = TestFiles.random(tmp.resolve("local").resolve(names.get(i)), 10_000 + i, i);
                try (InputStream in = Files.newInputStream(local)) {
                    assertTrue(client.storeFile(names.get(i), in), client.getReplyString());
                }
                TestFiles.assertSameBytes(local, root().resolve(names.get(i)));
            }
            // each SIZE went with the next upload's EPSV (the twin's nine passive ports: one waits for the next)
            assertEquals(names.size() - 1, client.passivesUsedAhead());
        }
        for (String name : names) {
            assertEquals(List.of(Kind.OBJECT_CREATED, Kind.ON_UPLOAD), kinds(server.eventsFor(name)), name);
        }
        assertEquals(names, server.onUploads());
        assertEquals(names.size(), server.sessions().resumed());
    }

    @Test
    void aZeroByteUploadCreatesAnObjectButNoWorkflow() throws Exception {
        server = twin(Storage.S3).start();
        try (FtpsClient client = client("TLSv1.2")) {
            assertTrue(client.storeFile("empty.csv", InputStream.nullInputStream()), client.getReplyString());
        }
        assertEquals(0, Files.size(root().resolve("empty.csv")));
        assertEquals(List.of(Kind.OBJECT_CREATED), kinds(server.storageEvents()));
        assertTrue(server.onUploads().isEmpty());
    }

    @Test
    void nothingIsVisibleUnderTheKeyWhileTheUploadRuns() throws Exception {
        server = twin(Storage.S3).uploadRate(64 * 1024).start();
        Path local = TestFiles.random(tmp.resolve("local/slow.bin"), 192 * 1024, 2);
        FtpsClient client = client("TLSv1.2");
        CompletableFuture<Boolean> upload = CompletableFuture.supplyAsync(() -> {
            try (client; InputStream in = Files.newInputStream(local)) {
                return client.storeFile("in/slow.bin", in);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await().atMost(WAIT).until(() -> server.uploadsRunning().getOrDefault("in/slow.bin", 0L) > 0);
        assertFalse(Files.exists(root().resolve("in/slow.bin")), "the object showed while its upload ran");
        assertTrue(server.storageEvents().isEmpty(), server.storageEvents().toString());
        assertTrue(upload.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
        TestFiles.assertSameBytes(local, root().resolve("in/slow.bin"));
        assertEquals(List.of("in/slow.bin"), server.onUploads());
    }

    @Test
    void aClientThatDiesMidUploadLeavesAPartialObjectAndStartsOnPartialUpload() throws Exception {
        // Commons Net as shipped does not resume: ENABLED lets it in, and its socket factory hands over the sockets
        server = twin(Storage.S3).resumption(Resumption.ENABLED).uploadRate(32 * 1024).start();
        byte[] content = Files.readAllBytes(TestFiles.random(tmp.resolve("local/cut.bin"), 1024 * 1024, 3));
        List<Socket> sockets = new CopyOnWriteArrayList<>();
        FTPSClient stock = stockClient();
        stock.setSocketFactory(new RecordingSocketFactory(sockets, SocketFactory.getDefault()));
        TestTargets.readyToTransfer(stock, server.port(), TestServers.USER, TestServers.PASSWORD);
        // PROT P gave the client a factory of TLS sockets for data connections: record those too
        stock.setSocketFactory(new RecordingSocketFactory(sockets, tls().getSocketFactory()));
        OutputStream data = stock.storeFileStream("cut.bin");
        assertTrue(data != null, stock.getReplyString());
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            try {
                data.write(content);
            } catch (IOException e) {
                // the sockets are reset under it
            }
        });
        await().atMost(WAIT).until(() -> server.uploadsRunning().getOrDefault("cut.bin", 0L) > 64 * 1024);
        // the process dies: its connections are reset, data first, with no final reply read (a TLS socket with a
        // writer blocked in it sends no close_notify when SO_LINGER is 0)
        for (int i = sockets.size() - 1; i >= 0; i--) {
            sockets.get(i).setSoLinger(true, 0);
            sockets.get(i).close();
        }
        await().atMost(WAIT).until(() -> server.onPartialUploads().contains("cut.bin"));
        sending.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        byte[] partial = Files.readAllBytes(root().resolve("cut.bin"));
        assertTrue(partial.length > 0 && partial.length < content.length, partial.length + " bytes");
        assertArrayEquals(Arrays.copyOf(content, partial.length), partial);
        assertEquals(List.of(Kind.OBJECT_CREATED, Kind.ON_PARTIAL_UPLOAD), kinds(server.eventsFor("cut.bin")));
        assertEquals(partial.length, server.eventsFor("cut.bin").get(1).size());
        assertTrue(server.onUploads().isEmpty(), server.onUploads().toString());
        assertTrue(server.uploadsRunning().isEmpty());
    }

    @Test
    void aRenameOverAnExistingFileIsRefusedAndBothStayAsTheyWere() throws Exception {
        server = twin(Storage.S3).start();
        Path first = TestFiles.random(root().resolve("new.csv"), 200, 4);
        Path second = TestFiles.random(root().resolve("report.csv"), 300, 5);
        byte[] newBytes = Files.readAllBytes(first);
        byte[] reportBytes = Files.readAllBytes(second);
        try (FtpsClient client = client("TLSv1.2")) {
            assertEquals(350, client.rnfr("new.csv"));
            assertEquals(550, client.rnto("report.csv"));
            assertTrue(client.getReplyString().contains("already exists"), client.getReplyString());
        }
        assertArrayEquals(newBytes, Files.readAllBytes(first));
        assertArrayEquals(reportBytes, Files.readAllBytes(second));
        assertTrue(server.storageEvents().isEmpty(), server.storageEvents().toString());
    }

    @Test
    void aRenameIsACopyAtTheCopyRateThenADelete() throws Exception {
        long rate = 512 * 1024;
        server = twin(Storage.S3).copyRate(rate).start();
        Path local = TestFiles.random(tmp.resolve("local/big.bin"), 1024 * 1024, 6);
        long took;
        try (FtpsClient client = client("TLSv1.2"); InputStream in = Files.newInputStream(local)) {
            assertTrue(client.storeFile(".big.bin.part", in), client.getReplyString());
            long start = System.nanoTime();
            assertTrue(client.rename(".big.bin.part", "big.bin"), client.getReplyString());
            took = (System.nanoTime() - start) / 1_000_000;
        }
        assertTrue(took >= 1024 * 1024 * 1000 / rate, "RNTO answered after " + took + " ms");
        TestFiles.assertSameBytes(local, root().resolve("big.bin"));
        assertFalse(Files.exists(root().resolve(".big.bin.part")));
        List<StorageEvent> events = server.storageEvents();
        assertEquals(List.of(Kind.OBJECT_CREATED, Kind.ON_UPLOAD, Kind.OBJECT_COPIED, Kind.OBJECT_DELETED),
                kinds(events));
        assertEquals(".big.bin.part", events.get(2).from());
        assertEquals("big.bin", events.get(2).key());
        assertEquals(".big.bin.part", events.get(3).key());
        // the workflow ran on the temporary name: a rename starts none
        assertEquals(List.of(".big.bin.part"), server.onUploads());
    }

    @Test
    void anUploadIntoAMissingDirectoryCreatesThePrefix() throws Exception {
        server = twin(Storage.S3).start();
        Path local = TestFiles.random(tmp.resolve("local/deep.csv"), 500, 7);
        try (FtpsClient client = client("TLSv1.2"); InputStream in = Files.newInputStream(local)) {
            assertTrue(client.storeFile("/a/b/deep.csv", in), client.getReplyString());
        }
        TestFiles.assertSameBytes(local, root().resolve("a/b/deep.csv"));
        assertEquals(List.of("a/b/deep.csv"), server.onUploads());
    }

    @Test
    void onlyTls12IsSpoken() throws Exception {
        server = twin(Storage.S3).start();
        FtpsClient tls13 = new FtpsClient(TestTargets.target(server.port(), TestServers.USER, TestServers.PASSWORD,
                Certificates.localhost().caPem(), "TLSv1.3"), false);
        assertThrows(IOException.class, () -> tls13.connect("localhost", server.port()));
        assertEquals(0, server.sessions().logins());
        try (FtpsClient client = client("TLSv1.2", "TLSv1.3")) {
            assertEquals("TLSv1.2", client.controlSession().getProtocol());
        }
    }

    @Test
    void disabledResumptionAcceptsADataConnectionThatDoesNotResume() throws Exception {
        server = twin(Storage.S3).resumption(Resumption.DISABLED).start();
        Path local = TestFiles.random(tmp.resolve("local/full.csv"), 1000, 8);
        try (FtpsClient client = client("TLSv1.2"); InputStream in = Files.newInputStream(local)) {
            assertTrue(client.storeFile("full.csv", in), client.getReplyString());
            assertFalse(client.report().transfer().sessionResumed(), "the server resumed a session");
        }
        TestFiles.assertSameBytes(local, root().resolve("full.csv"));
        assertEquals(1, server.sessions().notResumed());
        assertEquals(0, server.sessions().resumed());
    }

    @Test
    void enforcedResumptionRefusesADataConnectionThatDoesNotResume() throws Exception {
        server = twin(Storage.S3).start();
        FTPSClient stock = TestTargets.readyToTransfer(stockClient(), server.port(), TestServers.USER,
                TestServers.PASSWORD);
        try {
            boolean stored;
            try (InputStream in = InputStream.nullInputStream()) {
                stored = stock.storeFile("stock.csv", in);
            } catch (IOException e) {
                stored = false;
            }
            assertFalse(stored);
            assertTrue(stock.getReplyString().startsWith("522 "), stock.getReplyString());
        } finally {
            stock.disconnect();
        }
        assertFalse(Files.exists(root().resolve("stock.csv")));
        assertTrue(server.storageEvents().isEmpty(), server.storageEvents().toString());
    }

    @Test
    void efsGrowsFilesInPlaceAndRenamesAtomicallyButNeverOverAFile() throws Exception {
        server = twin(Storage.EFS).start();
        Path local = TestFiles.random(tmp.resolve("local/e.csv"), 2000, 9);
        TestFiles.random(root().resolve("taken.csv"), 10, 10);
        try (FtpsClient client = client("TLSv1.2"); InputStream in = Files.newInputStream(local)) {
            assertTrue(client.storeFile(".e.csv.part", in), client.getReplyString());
            assertEquals(350, client.rnfr(".e.csv.part"));
            assertEquals(550, client.rnto("taken.csv"));
            assertTrue(client.getReplyString().contains("already exists"), client.getReplyString());
            assertEquals(350, client.rnfr(".e.csv.part"));
            assertEquals(250, client.rnto("e.csv"));
        }
        TestFiles.assertSameBytes(local, root().resolve("e.csv"));
        assertEquals(10, Files.size(root().resolve("taken.csv")));
        assertEquals(List.of(Kind.ON_UPLOAD), kinds(server.storageEvents()));
    }

    @Test
    void enabledResumptionAcceptsDataConnectionsThatResumeAndThoseThatDoNot() throws Exception {
        server = twin(Storage.S3).resumption(Resumption.ENABLED).start();
        FTPSClient stock = TestTargets.readyToTransfer(stockClient(), server.port(), TestServers.USER,
                TestServers.PASSWORD);
        try (InputStream in = new java.io.ByteArrayInputStream("stock\n".getBytes())) {
            assertTrue(stock.storeFile("stock.csv", in), stock.getReplyString());
        } finally {
            stock.disconnect();
        }
        try (FtpsClient client = client("TLSv1.2");
                InputStream in = new java.io.ByteArrayInputStream("ferry\n".getBytes())) {
            assertTrue(client.storeFile("ferry.csv", in), client.getReplyString());
            assertTrue(client.report().transfer().sessionResumed());
        }
        assertEquals("stock\n", Files.readString(root().resolve("stock.csv")));
        assertEquals("ferry\n", Files.readString(root().resolve("ferry.csv")));
        assertEquals(1, server.sessions().notResumed());
        assertEquals(1, server.sessions().resumed());
    }

    @Test
    void aSilentSessionIsClosedAfterTheIdleTimeout() throws Exception {
        server = twin(Storage.S3).idleTimeout(Duration.ofSeconds(2)).start();
        try (FtpsClient client = client("TLSv1.2")) {
            assertTrue(client.isConnected());
            // Transfer Family closes a session idle for 1,800 s; here 2 s. Nothing is sent while waiting (a NOOP
            // would make the session busy again): the next thing on the control connection is its end.
            client.setSoTimeout((int) WAIT.toMillis());
            long start = System.nanoTime();
            IOException closed = assertThrows(IOException.class, client::getReply);
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertFalse(closed instanceof java.net.SocketTimeoutException, "still open after " + WAIT);
            assertTrue(waited.compareTo(Duration.ofMillis(1500)) >= 0, "closed after only " + waited);
        }
    }

    private EmbeddedFtpsServer.Builder twin(Storage storage) throws IOException {
        return TestServers.embedded(root()).transferFamily(storage);
    }

    private Path root() {
        return tmp.resolve("server");
    }

    private FtpsClient client(String... tls) throws IOException {
        FtpsClient client = new FtpsClient(TestTargets.target(server.port(), TestServers.USER, TestServers.PASSWORD,
                Certificates.localhost().caPem(), tls), false);
        return TestTargets.readyToTransfer(client, server.port(), "ignored", "ignored");
    }

    /** Commons Net as shipped, with proper trust: it never resumes the control session on a data connection. */
    private static FTPSClient stockClient() throws Exception {
        return new FTPSClient(false, tls());
    }

    private static SSLContext tls() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, TrustStores.trustManagers(Certificates.localhost().caPem(), null), null);
        return context;
    }

    private static List<Kind> kinds(List<StorageEvent> events) {
        return events.stream().map(StorageEvent::kind).toList();
    }

    /** The sockets Commons Net makes (control, then passive data), kept so a test can reset them. */
    private static final class RecordingSocketFactory extends SocketFactory {

        private final List<Socket> sockets;
        private final SocketFactory factory;

        RecordingSocketFactory(List<Socket> sockets, SocketFactory factory) {
            this.sockets = sockets;
            this.factory = factory;
        }

        private Socket record(Socket socket) {
            sockets.add(socket);
            return socket;
        }

        @Override
        public Socket createSocket() throws IOException {
            return record(factory.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return record(factory.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return record(factory.createSocket(host, port, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return record(factory.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return record(factory.createSocket(host, port, local, localPort));
        }
    }
}
