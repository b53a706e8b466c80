package dev.ferry.ftps;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.ferry.config.TargetConfig.Storage;
import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.testing.Certificates;
import dev.ferry.testing.TestFiles;
import dev.ferry.testing.TestServers;
import dev.ferry.testing.TestTargets;
import org.apache.commons.net.ProtocolCommandEvent;
import org.apache.commons.net.ProtocolCommandListener;
import org.apache.commons.net.ftp.FTPReply;
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
 * Commands sent together ({@link Pipeline}) against the embedded server that requires session reuse: the bytes on the
 * server, the passive ports asked for ahead and used, and the client still in step with the server's replies after
 * a refusal or a port that is gone. The real servers and the Transfer Family twin: {@code InteroperabilityIT},
 * {@code TransferFamilyTwinTest}.
 */
class PipelineTest {

    private static final int FILES = 10;

    @TempDir
    Path tmp;

    private EmbeddedFtpsServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void directUploadsAskForTheNextPassivePortWithTheirSize() throws Exception {
        server = TestServers.embedded(tmp.resolve("server")).requireSessionReuse(true).start();
        List<String> sent = new CopyOnWriteArrayList<>();
        try (FtpsClient client = client(Storage.S3, true, sent)) {
            for (int i = 0; i < FILES; i++) {
                upload(client, "file-" + i, null);
            }
            // the first upload asks for its port; every other one uses the port its predecessor's SIZE asked for
            assertEquals(FILES - 1, client.passivesUsedAhead());
        }
        assertEquals(FILES + 1, count(sent, "EPSV"), sent.toString());
        assertEquals(FILES, count(sent, "SIZE"));
        assertEquals(FILES, server.sessions().resumed());
        assertEquals(0, server.sessions().notResumed());
    }

    /** With pipelining each rename carries the next upload's EPSV; without, every upload asks for its own. */
    @ParameterizedTest(name = "pipelining={0}")
    @ValueSource(booleans = {true, false})
    void renamesSendRnfrAndRntoTogetherWithTheNextPassivePort(boolean pipelining) throws Exception {
        server = TestServers.embedded(tmp.resolve("server")).requireSessionReuse(true).start();
        List<String> sent = new CopyOnWriteArrayList<>();
        try (FtpsClient client = client(Storage.FILE, pipelining, sent)) {
            for (int i = 0; i < FILES; i++) {
                upload(client, "file-" + i, ".file-" + i + ".part");
            }
            assertEquals(pipelining ? FILES - 1 : 0, client.passivesUsedAhead());
        }
        assertEquals(pipelining ? FILES + 1 : FILES, count(sent, "EPSV"), sent.toString());
        try (var left = Files.list(tmp.resolve("server"))) {
            assertEquals(FILES, left.filter(p -> !p.getFileName().toString().startsWith(".")).count());
        }
    }

    @Test
    void aPassivePortAskedForAheadThatIsGoneIsAskedForAgain() throws Exception {
        server = TestServers.embedded(tmp.resolve("server")).requireSessionReuse(true).start();
        try (FtpsClient client = client(Storage.S3, true, new CopyOnWriteArrayList<>())) {
            upload(client, "first", null);
            // a passive request of its own: the server gives up the port the first upload's SIZE asked for
            assertEquals(229, client.sendCommand("EPSV", null), client.getReplyString());
            upload(client, "second", null);
            upload(client, "third", null);
            assertEquals(1, client.passivesUsedAhead(), "only the third upload found its port ahead");
        }
    }

    /**
     * Once the server accepted the STOR (150) on a port asked for ahead, a failed TLS handshake is that transfer's
     * failure: no other port is asked for, which would read the STOR's final reply as the EPSV's.
     */
    @Test
    void aHandshakeThatFailsAfterTheServerAcceptedTheUploadFailsIt() throws Exception {
        server = TestServers.embedded(tmp.resolve("server")).requireSessionReuse(true).start();
        List<String> sent = new CopyOnWriteArrayList<>();
        server.breakDataConnection("second");
        try (FtpsClient client = client(Storage.S3, true, sent)) {
            upload(client, "first", null);
            Path local = TestFiles.random(tmp.resolve("local/second"), 4096, 2);
            DataConnectionException e;
            try (InputStream in = Files.newInputStream(local)) {
                e = assertThrows(DataConnectionException.class, () -> client.storeFile("second", in));
            }
            assertTrue(e.getMessage().startsWith("TLS handshake on the data connection for STOR failed"),
                    e.getMessage());
            assertEquals(List.of("EPSV", "STOR", "SIZE", "EPSV", "STOR"), transfers(sent),
                    "the second STOR went to the port the first SIZE asked for, and nothing was asked after it");
        }
        assertFalse(Files.exists(tmp.resolve("server/second")));
        try (FtpsClient client = client(Storage.S3, true, new CopyOnWriteArrayList<>())) {
            upload(client, "second", null);
        }
    }

    @Test
    void aRefusedRenameFailsAndTheNextCommandsReadTheirOwnReplies() throws Exception {
        server = TestServers.embedded(tmp.resolve("server")).requireSessionReuse(true).start();
        try (FtpsClient client = client(Storage.FILE, true, new CopyOnWriteArrayList<>())) {
            IOException e = assertThrows(IOException.class, () -> client.rename(".missing.part", "missing"));
            // Apache FtpServer accepts RNFR of a missing file and refuses the RNTO (553); vsftpd refuses the RNFR
            // and then the RNTO as out of sequence (InteroperabilityIT)
            assertTrue(e.getMessage().startsWith("Cannot rename .missing.part to missing on ")
                    && e.getMessage().contains("553"), e.getMessage());
            // the replies to both and to the EPSV were read with the rename: the next commands get their own
            upload(client, "after", ".after.part");
            assertEquals(FTPReply.FILE_STATUS, client.sendCommand("SIZE", "after"), client.getReplyString());
            assertEquals("213 " + Files.size(tmp.resolve("server/after")), client.getReplyString().trim());
        }
        assertFalse(Files.exists(tmp.resolve("server/missing")));
    }

    private FtpsClient client(Storage storage, boolean pipelining, List<String> sent) throws IOException {
        FtpsClient client = new FtpsClient(TestTargets.target(server.port(), TestServers.USER, TestServers.PASSWORD,
                Certificates.localhost().caPem(), storage, pipelining, "TLSv1.2"), false);
        client.addProtocolCommandListener(new ProtocolCommandListener() {

            @Override
            public void protocolCommandSent(ProtocolCommandEvent event) {
                sent.add(event.getCommand());
            }

            @Override
            public void protocolReplyReceived(ProtocolCommandEvent event) {
                // commands are what is counted
            }
        });
        return TestTargets.readyToTransfer(client, server.port(), "ignored", "ignored");
    }

    /** Uploads {@code name} the way the route does: straight, or under {@code temporary} and renamed. */
    private void upload(FtpsClient client, String name, String temporary) throws IOException {
        Path local = TestFiles.random(tmp.resolve("local").resolve(name), 4096 + name.length(), name.hashCode());
        try (InputStream in = Files.newInputStream(local)) {
            assertTrue(client.storeFile(temporary == null ? name : temporary, in), client.getReplyString());
        }
        if (temporary != null) {
            assertTrue(client.rename(temporary, name));
        }
        TestFiles.assertSameBytes(local, tmp.resolve("server").resolve(name));
    }

    /** The commands sent after login that concern transfers. */
    private static List<String> transfers(List<String> sent) {
        return sent.stream().filter(List.of("EPSV", "PASV", "STOR", "SIZE", "RNFR", "RNTO")::contains).toList();
    }

    private static long count(List<String> sent, String command) {
        return sent.stream().filter(command::equals).count();
    }
}
