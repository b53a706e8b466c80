package dev.ferry.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.ferry.config.FerryConfig;
import dev.ferry.config.TargetConfig;
import dev.ferry.config.TargetConfig.PassiveAddress;
import dev.ferry.config.TargetConfig.Storage;
import dev.ferry.ftps.Target;
import io.quarkus.runtime.configuration.MemorySize;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPSClient;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Targets for tests that drive the FTPS client without starting the application. */
public final class TestTargets {

    private TestTargets() {
    }

    /**
     * Connects {@code client} to localhost:{@code port} and makes it ready to transfer the way Camel does: login,
     * PBSZ 0, PROT P, passive, binary. Ferry's client logs in with its target's credentials whatever is passed.
     */
    public static <C extends FTPSClient> C readyToTransfer(C client, int port, String username, String password)
            throws IOException {
        client.connect("localhost", port);
        assertTrue(client.login(username, password), client.getReplyString());
        client.execPBSZ(0);
        client.execPROT("P");
        client.enterLocalPassiveMode();
        client.setFileType(FTP.BINARY_FILE_TYPE);
        return client;
    }

    public static Target target(int port, String username, String password, Path trustStore, String... tlsVersions) {
        return target(port, username, password, trustStore, TargetConfig.PassiveAddress.AUTO, tlsVersions);
    }

    public static Target target(int port, String username, String password, Path trustStore,
            TargetConfig.PassiveAddress passive, String... tlsVersions) {
        List<String> versions = tlsVersions.length == 0 ? List.of("TLSv1.2", "TLSv1.3") : List.of(tlsVersions);
        return Target.of("test", new Config(port, username, password, trustStore, versions, passive,
                Duration.ofSeconds(20), Storage.FILE, true));
    }

    /** A target storing into {@code storage} (which sets the upload mode), with commands sent together or not. */
    public static Target target(int port, String username, String password, Path trustStore, Storage storage,
            boolean pipelining, String tlsVersion) {
        return Target.of("test", new Config(port, username, password, trustStore, List.of(tlsVersion),
                PassiveAddress.AUTO, Duration.ofSeconds(20), storage, pipelining));
    }

    /** A target whose every network wait (a reply, a handshake) is bounded by {@code dataTimeout}. */
    public static Target target(int port, Path trustStore, Duration dataTimeout) {
        return Target.of("test", new Config(port, "ferry", "secret", trustStore, List.of("TLSv1.2", "TLSv1.3"),
                PassiveAddress.AUTO, dataTimeout, Storage.FILE, true));
    }

    /** A target's configuration as a record: Quarkus refuses constraint annotations on anonymous classes. */
    private record Config(int port, String username, String secret, Path store, List<String> tlsVersions,
            PassiveAddress passiveAddress, Duration timeout, Storage storage, boolean pipelining)
            implements
                TargetConfig {

        @Override
        public String host() {
            return "localhost";
        }

        @Override
        public Optional<Path> passwordFile() {
            return Optional.empty();
        }

        @Override
        public Optional<String> password() {
            return Optional.of(secret);
        }

        @Override
        public Optional<Path> trustStore() {
            return Optional.ofNullable(store);
        }

        @Override
        public Optional<String> trustStorePassword() {
            return Optional.empty();
        }

        @Override
        public Duration connectTimeout() {
            return Duration.ofSeconds(10);
        }

        @Override
        public Duration dataTimeout() {
            return timeout;
        }

        @Override
        public Duration confirmTimePerGib() {
            return Duration.ofMinutes(2);
        }

        @Override
        public Duration idleCheck() {
            // unit tests drive the connections themselves
            return Duration.ZERO;
        }

        @Override
        public Optional<UploadMode> uploadMode() {
            return Optional.empty();
        }

        @Override
        public MemorySize bufferSize() {
            return new MemorySize(BigInteger.valueOf(256 * 1024));
        }

        @Override
        public int maxConnections() {
            return 4;
        }
    }

    /** A pause policy: {@code initial} doubling up to {@code max}, and its own delays for a refused login. */
    public static FerryConfig.Backoff backoff(Duration initial, Duration max, Duration loginRefused,
            Duration loginRefusedMax) {
        return new Pauses(initial, max, loginRefused, loginRefusedMax);
    }

    private record Pauses(Duration initialDelay, Duration maxDelay, Duration loginRefusedDelay,
            Duration loginRefusedMaxDelay) implements FerryConfig.Backoff {
    }
}
