package dev.ferry.route;

import dev.ferry.ftps.Causes;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.commons.net.ftp.FTPSClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ferry's own client is the only one that can ever connect: an FTP endpoint of Camel's stock components (whose FTPS
 * trust manager checks certificate dates only), however it came to be, is refused as it is created, before any
 * connection, with the password never shown.
 */
class FailClosedTest {

    private final CamelContext context = new DefaultCamelContext();

    @BeforeEach
    void refuseStockClients() {
        context.getCamelContextExtension().registerEndpointCallback(RouteFileLoader::onlyFerrysClient);
        // a stock client someone put in the registry: an endpoint naming it must not get to use it either
        context.getRegistry().bind("other", new FTPSClient());
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftps://localhost:2121/in?password=secret", "ftp://localhost:2121/in?password=secret",
            "ftps://localhost:2121/in?ftpClient=#other&password=secret"})
    void aStockFtpEndpointIsRefusedBeforeItCanConnect(String uri) {
        Exception refused = assertThrows(Exception.class, () -> context.getEndpoint(uri));
        String message = Causes.chain(refused).stream().map(Throwable::getMessage).reduce("", String::concat);
        assertTrue(message.contains("Ferry connects to servers with its own FTPS client only"), message);
        assertFalse(message.contains("secret"), "the password is shown: " + message);
        assertTrue(context.getEndpoints().isEmpty(), "the refused endpoint was registered");
    }
}
