package dev.ferry.ftps;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import dev.ferry.demo.TestCertificates;
import dev.ferry.testing.Certificates;
import dev.ferry.testing.TestTargets;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After a TLS 1.3 upload the client reads the data connection to its end to pick up the server's next session ticket.
 * A server that never ends it, trickling a byte now and then (each read within the socket timeout), must not hold
 * the upload: the read is cut at its overall deadline.
 */
class TicketRenewalTest {

    @Test
    void aDataConnectionTrickledForEverIsCutAtItsDeadline() throws Exception {
        TestCertificates certificates = Certificates.localhost();
        KeyStore keys = KeyStore.getInstance(certificates.serverKeyStore().toFile(),
                TestCertificates.PASSWORD.toCharArray());
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, TestCertificates.PASSWORD.toCharArray());
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(factory.getKeyManagers(), null, null);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket(0,
                1, InetAddress.getLoopbackAddress());
                NetworkTimer timer = NetworkTimer.start("test-timer")) {
            listener.setEnabledProtocols(new String[]{"TLSv1.3"});
            executor.submit(() -> {
                try (SSLSocket server = (SSLSocket) listener.accept()) {
                    OutputStream out = server.getOutputStream();
                    for (int i = 0; i < 100; i++) {
                        out.write('.');
                        out.flush();
                        Thread.sleep(300);
                    }
                }
                return null;
            });
            Target target = TestTargets.target(listener.getLocalPort(), certificates.caPem(), Duration.ofSeconds(2));
            Socket plain = new Socket();
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 5_000);
            plain.setSoTimeout(2_000);
            SSLSocket data = Tls.layer(Tls.newContext(target), plain, "localhost", listener.getLocalPort(),
                    new String[]{"TLSv1.3"});
            data.startHandshake();
            long start = System.nanoTime();
            TicketRenewal.collectTicket(data, plain, target, timer);
            long millis = (System.nanoTime() - start) / 1_000_000;
            // without the deadline it would read for the server's 30 s
            assertTrue(millis < 8_000, "the drain took " + millis + " ms");
            assertTrue(plain.isClosed(), "the deadline closes the plain socket");
        } finally {
            executor.shutdownNow();
        }
    }
}
