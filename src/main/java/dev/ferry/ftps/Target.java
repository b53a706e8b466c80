package dev.ferry.ftps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.TrustManager;

import dev.ferry.config.TargetConfig;
import dev.ferry.config.TargetConfig.PassiveAddress;
import dev.ferry.config.TargetConfig.UploadMode;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured FTPS server, checked at start-up: every problem names its {@code ferry.targets.<name>.<key>}.
 * Immutable and shared; each connection builds its own TLS context from it.
 */
public final class Target {

    private static final Logger LOG = LoggerFactory.getLogger(Target.class);
    private static final Set<String> TLS_VERSIONS = Set.of("TLSv1.2", "TLSv1.3");

    private final String name;
    private final TargetConfig config;
    private final TrustManager[] trustManagers;
    /** What failed direct uploads left on this server, shared by its connections. */
    private final PartialUploads partialUploads = new PartialUploads();

    private Target(String name, TargetConfig config, TrustManager[] trustManagers) {
        this.name = name;
        this.config = config;
        this.trustManagers = trustManagers;
    }

    public static Target of(String name, TargetConfig config) {
        String key = "ferry.targets." + name + ".";
        for (String version : config.tlsVersions()) {
            if (!TLS_VERSIONS.contains(version)) {
                throw new ConfigurationException(key + "tls-versions: '" + version
                        + "' is not supported; use TLSv1.2 and/or TLSv1.3 (older versions are insecure)");
            }
        }
        if (config.bufferSize().asLongValue() < 1024 || config.bufferSize().asLongValue() > 64L * 1024 * 1024) {
            throw new ConfigurationException(key + "buffer-size must be between 1K and 64M");
        }
        if (config.passwordFile().isPresent()) {
            Path file = config.passwordFile().get();
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new ConfigurationException(key + "password-file: " + file.toAbsolutePath()
                        + " does not exist or is not readable by this user; create it holding the password (mode 600)");
            }
            try {
                readPassword(file, key + "password-file");
            } catch (IOException e) {
                throw new ConfigurationException(e.getMessage());
            }
            warnIfOthersCanRead(file, key + "password-file");
        } else if (config.password().isEmpty()) {
            throw new ConfigurationException(key + "password-file (or " + key + "password) is required");
        } else if (Names.breaksCommandLine(config.password().get())) {
            throw new ConfigurationException(
                    key + "password holds a line break: it would reach the server as a further command");
        }
        TrustManager[] trust;
        Optional<Path> store = config.trustStore();
        if (store.isPresent() && !Files.isReadable(store.get())) {
            throw new ConfigurationException(key + "trust-store: " + store.get().toAbsolutePath()
                    + " does not exist or is not readable; point it to a PEM file of the server's CA certificate");
        }
        try {
            trust = TrustStores.trustManagers(store.orElse(null), config.trustStorePassword().orElse(null));
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException(
                    key + "trust-store: cannot load " + store.map(Path::toString).orElse("the JDK's CAs")
                            + ": " + e.getMessage());
        }
        if (config.storage() == TargetConfig.Storage.S3
                && config.uploadMode().orElse(null) == TargetConfig.UploadMode.TEMP_RENAME) {
            LOG.warn("{}upload-mode=temp-rename on {}storage=s3: each file's rename is a copy of the whole object on"
                    + " the server (a confirmation that may take minutes per GiB: {}confirm-time-per-gib), and a"
                    + " managed workflow starts on its temporary name too; AWS advises uploading directly (remove"
                    + " upload-mode)", key, key, key);
        }
        return new Target(name, config, trust);
    }

    /** What failed direct uploads left on this server, to be deleted ({@link PartialUploads}). */
    public PartialUploads partialUploads() {
        return partialUploads;
    }

    public String name() {
        return name;
    }

    public String host() {
        return config.host();
    }

    public int port() {
        return config.port();
    }

    public String username() {
        return config.username();
    }

    /** host:port, for log lines and messages. */
    public String address() {
        return host() + ":" + port();
    }

    /** Read at each login, so a rotated password file is picked up without a restart. */
    public String password() throws IOException {
        if (config.passwordFile().isPresent()) {
            return readPassword(config.passwordFile().get(), key("password-file"));
        }
        return config.password().orElseThrow();
    }

    /** The file's text without trailing line breaks; a line break inside is refused: it would end the PASS command. */
    private static String readPassword(Path file, String key) throws IOException {
        String password = Files.readString(file, StandardCharsets.UTF_8).replaceAll("[\\r\\n]+$", "");
        if (Names.breaksCommandLine(password)) {
            throw new IOException(
                    key + ": " + file.toAbsolutePath() + " holds more than one line; it must hold the password alone"
                            + " (a trailing line break is fine)");
        }
        return password;
    }

    private static void warnIfOthersCanRead(Path file, String key) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn(
                        "{}: {} can be read by every user of this host; restrict it: chmod 600 {} (or 640 with a "
                                + "group of the"
                                + " service user)",
                        key, file.toAbsolutePath(), file.toAbsolutePath());
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
    }

    TrustManager[] trustManagers() {
        return trustManagers;
    }

    public boolean hasTrustStore() {
        return config.trustStore().isPresent();
    }

    public List<String> tlsVersions() {
        return config.tlsVersions();
    }

    public Duration connectTimeout() {
        return config.connectTimeout();
    }

    /**
     * How long the server may take to confirm a command of a file of {@code bytes}: {@code data-timeout}, plus
     * {@code confirm-time-per-gib} for each GiB.
     */
    public Duration confirmTimeout(long bytes) {
        long extra = (long) (config.confirmTimePerGib().toMillis() * (bytes / (double) (1L << 30)));
        return config.dataTimeout().plusMillis(extra);
    }

    public Duration idleCheck() {
        return config.idleCheck();
    }

    public Duration dataTimeout() {
        return config.dataTimeout();
    }

    public PassiveAddress passiveAddress() {
        return config.passiveAddress();
    }

    public TargetConfig.Storage storage() {
        return config.storage();
    }

    /** The upload mode set, or the one {@code storage} implies: direct on S3, temp-rename on a file system. */
    public UploadMode uploadMode() {
        return config.uploadMode()
                .orElse(config.storage() == TargetConfig.Storage.S3 ? UploadMode.DIRECT : UploadMode.TEMP_RENAME);
    }

    /** Whether independent commands are sent together ({@code pipelining}). */
    public boolean pipelining() {
        return config.pipelining();
    }

    /** How many connections the target's routes may hold at once ({@code max-connections}). */
    public int maxConnections() {
        return config.maxConnections();
    }

    public int bufferSize() {
        return (int) config.bufferSize().asLongValue();
    }

    /** The key prefix of this target in application.properties, for messages that tell what to change. */
    public String key(String suffix) {
        return "ferry.targets." + name + "." + suffix;
    }
}
