package dev.ferry.route;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.demo.TestCertificates;
import dev.ferry.testing.Certificates;
import dev.ferry.testing.TestServers;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.file.GenericFileOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Camel's stock ftps: endpoint against the reuse-enforcing server: refused, so the server's check is real. */
class StockCamelFtpsTest {

    @TempDir
    Path tmp;

    @Test
    void stockFtpsEndpointGets522() throws Exception {
        try (EmbeddedFtpsServer server = TestServers.embedded(tmp.resolve("server")).requireSessionReuse(true).start();
                CamelContext camel = new DefaultCamelContext()) {
            KeyStoreParameters trust = new KeyStoreParameters();
            trust.setResource("file:" + Certificates.localhost().serverKeyStore());
            trust.setPassword(TestCertificates.PASSWORD);
            trust.setType("PKCS12");
            TrustManagersParameters trustManagers = new TrustManagersParameters();
            trustManagers.setKeyStore(trust);
            SSLContextParameters ssl = new SSLContextParameters();
            ssl.setTrustManagers(trustManagers);
            camel.getRegistry().bind("ssl", ssl);
            camel.start();
            ProducerTemplate producer = camel.createProducerTemplate();

            CamelExecutionException e = assertThrows(CamelExecutionException.class, () -> producer.sendBodyAndHeader(
                    "ftps://localhost:" + server.port() + "/in?username=ferry&password=secret&sslContextParameters=#ssl"
                            + "&passiveMode=true&maximumReconnectAttempts=0",
                    "hello", "CamelFileName", "stock.txt"));

            GenericFileOperationFailedException failure = assertInstanceOf(GenericFileOperationFailedException.class,
                    e.getCause());
            assertEquals(522, failure.getCode(), failure.getMessage());
            assertTrue(failure.getReason().contains("Data connection must use cached TLS session"),
                    failure.getReason());
            assertFalse(Files.exists(tmp.resolve("server/in/stock.txt")));
            assertEquals(1, server.sessions().notResumed());
        }
    }
}
