package dev.ferry.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.ferry.config.FerryConfig;
import io.quarkus.runtime.ShutdownEvent;
import org.apache.camel.quarkus.main.events.AfterConfigure;
import org.apache.ftpserver.ftplet.FtpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo profile's FTPS server ({@code ferry.demo.enabled=true}): started before the routes are loaded, with a
 * generated CA and certificate in {@code <demo>/tls}, a generated password in {@code <demo>/password}, uploads landing
 * in {@code <demo>/server}, and the outbox {@code <demo>/outbox} created for the demo route.
 */
@ApplicationScoped
public class DemoServer {

    private static final Logger LOG = LoggerFactory.getLogger(DemoServer.class);

    private final FerryConfig config;
    private EmbeddedFtpsServer server;

    public DemoServer(FerryConfig config) {
        this.config = config;
    }

    void start(@Observes @Priority(1) AfterConfigure event) throws IOException, FtpException {
        FerryConfig.Demo demo = config.demo();
        if (!demo.enabled()) {
            return;
        }
        Path dir = demo.directory().toAbsolutePath().normalize();
        Files.createDirectories(dir.resolve("outbox"));
        Path passwordFile = dir.resolve("password");
        if (!Files.exists(passwordFile)) {
            byte[] random = new byte[12];
            new SecureRandom().nextBytes(random);
            Files.writeString(passwordFile, HexFormat.of().formatHex(random), StandardCharsets.UTF_8);
        }
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        TestCertificates certificates = TestCertificates.in(dir.resolve("tls"));
        server = EmbeddedFtpsServer.builder()
                .root(dir.resolve("server"))
                .port(demo.port())
                .passivePorts(demo.passivePorts())
                .user("demo", Files.readString(passwordFile, StandardCharsets.UTF_8).trim())
                .keyStore(certificates.serverKeyStore(), TestCertificates.PASSWORD)
                .requireSessionReuse(demo.requireSessionReuse())
                .start();
        LOG.warn("DEMO: embedded FTPS server on 127.0.0.1:{} ({}); uploads land in {}. Drop files into {}", server.port(),
                demo.requireSessionReuse() ? "requires TLS session reuse, like AWS Transfer Family" : "session reuse not required",
                dir.resolve("server"), dir.resolve("outbox"));
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.close();
        }
    }
}
