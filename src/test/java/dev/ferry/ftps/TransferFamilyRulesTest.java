package dev.ferry.ftps;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import dev.ferry.config.TargetConfig.PassiveAddress;
import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.demo.TestCertificates;
import dev.ferry.testing.Certificates;
import dev.ferry.testing.TestServers;
import dev.ferry.testing.TestTargets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AWS Transfer Family's rules and quirks, played by the embedded server: PASV addresses, PROT P, commands never
 * sent.
 */
class TransferFamilyRulesTest {

    private static final byte[] CONTENT = "invoice;42\n".getBytes();

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
    void pasvReplyOfZerosMeansTheControlAddressUnderAuto() throws Exception {
        server = start("0.0.0.0");
        server.refuseEpsv(true);
        FtpsClient client = loggedIn(PassiveAddress.AUTO);
        try (client) {
            assertTrue(client.storeFile("zero.csv", new ByteArrayInputStream(CONTENT)));
        }
        assertArrayEquals(CONTENT, Files.readAllBytes(tmp.resolve("server/zero.csv")));
        assertTrue(server.commandsSeen().contains("PASV"), server.commandsSeen().toString());
    }

    @Test
    void pasvReplyOfAnotherAddressIsIgnoredUnderControlAndFailsClearlyUnderReply() throws Exception {
        // 127.0.0.2 is loopback too, but nothing listens there: a stand-in for an unreachable endpoint address
        server = start("127.0.0.2");
        server.refuseEpsv(true);
        try (FtpsClient control = loggedIn(PassiveAddress.CONTROL)) {
            assertTrue(control.storeFile("control.csv", new ByteArrayInputStream(CONTENT)));
        }
        assertArrayEquals(CONTENT, Files.readAllBytes(tmp.resolve("server/control.csv")));
        try (FtpsClient reply = loggedIn(PassiveAddress.REPLY)) {
            IOException e = assertThrows(IOException.class,
                    () -> reply.storeFile("reply.csv", new ByteArrayInputStream(CONTENT)));
            assertTrue(
                    e.getMessage().contains("127.0.0.2")
                            && e.getMessage().contains("ferry.targets.test.passive-address=reply"),
                    e.getMessage());
        }
    }

    @Test
    void serverRefusingProtPGetsNoData() throws Exception {
        server = start(null);
        server.refuseProtP(true);
        FtpsClient client = new FtpsClient(target(PassiveAddress.AUTO), false);
        client.connect("localhost", server.port());
        try (client) {
            // the login makes the connection ready to transfer, PROT P included: a refusal fails the login
            TargetUnavailableException e = assertThrows(TargetUnavailableException.class,
                    () -> client.login("ignored", "ignored"));
            assertTrue(e.getMessage().contains("refused PROT P (536")
                    && e.getMessage().contains("never sends data in clear"), e.getMessage());
            assertThrows(IOException.class, () -> client.execPROT("C"));
        }
        assertFalse(server.commandsSeen().contains("STOR"));
    }

    @Test
    void commandsTransferFamilyDoesNotSupportAreNeverSent() throws Exception {
        server = start(null);
        try (FtpsClient client = loggedIn(PassiveAddress.AUTO)) {
            for (String command : new String[]{"APPE", "REST", "SITE", "PORT", "EPRT"}) {
                IOException e = assertThrows(IOException.class, () -> client.sendCommand(command, "x"));
                assertTrue(e.getMessage().contains("never sent by Ferry"), e.getMessage());
            }
            assertThrows(IOException.class, () -> client.appendFile("a.csv", new ByteArrayInputStream(CONTENT)));
            assertTrue(client.storeFile("ok.csv", new ByteArrayInputStream(CONTENT)));
        }
        Set<String> seen = server.commandsSeen();
        for (String command : new String[]{"APPE", "REST", "SITE", "PORT", "EPRT"}) {
            assertFalse(seen.contains(command), command + " reached the server: " + seen);
        }
    }

    @Test
    void expiredCertificateIsRefusedWithTheReason() throws Exception {
        TestCertificates expired = TestCertificates.expired(tmp.resolve("expired"));
        server = EmbeddedFtpsServer.builder().root(tmp.resolve("server")).user("ferry", "secret")
                .keyStore(expired.serverKeyStore(), TestCertificates.PASSWORD).start();
        FtpsClient client = new FtpsClient(TestTargets.target(server.port(), "ferry", "secret", expired.caPem()),
                false);
        TargetUnavailableException e = assertThrows(TargetUnavailableException.class,
                () -> client.connect("localhost", server.port()));
        assertTrue(e.getMessage().contains("outside its validity period"), e.getMessage());
        assertEquals(0, server.sessions().logins());
    }

    private EmbeddedFtpsServer start(String passiveReplyAddress) throws Exception {
        return TestServers.embedded(tmp.resolve("server"))
                .passiveReplyAddress(passiveReplyAddress).start();
    }

    private dev.ferry.ftps.Target target(PassiveAddress passive) throws IOException {
        return TestTargets.target(server.port(), "ferry", "secret", Certificates.localhost().caPem(), passive);
    }

    private FtpsClient loggedIn(PassiveAddress passive) throws IOException {
        return TestTargets.readyToTransfer(new FtpsClient(target(passive), false), server.port(), "ignored", "ignored");
    }
}
