package dev.ferry.testing;

import java.io.IOException;
import java.nio.file.Path;

import dev.ferry.demo.EmbeddedFtpsServer;
import dev.ferry.demo.TestCertificates;

/**
 * The embedded FTPS server as most tests want it: user ferry/secret, the shared localhost certificate, session reuse
 * required.
 */
public final class TestServers {

    public static final String USER = "ferry";
    public static final String PASSWORD = "secret";

    private TestServers() {
    }

    public static EmbeddedFtpsServer.Builder embedded(Path root) throws IOException {
        return EmbeddedFtpsServer.builder().root(root).user(USER, PASSWORD)
                .keyStore(Certificates.localhost().serverKeyStore(), TestCertificates.PASSWORD);
    }
}
