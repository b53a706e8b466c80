package dev.ferry.ftps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * One configured FTPS server, checked at start-up: every problem names its {@code ferry.targets.<name>.<key>}.
 * Immutable and shared; each connection builds its own TLS context from it.
 */
public final class Target {

    private static final Set<String> TLS_VERSIONS = Set.of("TLSv1.2", "TLSv1.3");

    private final String name;
    private final TargetConfig config;
    private final TrustManager[] trustManagers;

    private Target(String name, TargetConfig config, TrustManager[] trustManagers) {
        this.name = name;
        this.config = config;
        this.trustManagers = trustManagers;
    }

    public static Target of(String name, TargetConfig config) {
        String key = "ferry.targets." + name + ".";
        if (config.host().isBlank()) {
            throw new ConfigurationException(key + "host is empty: set it to the server's host name");
        }
        if (config.port() < 1 || config.port() > 65535) {
            throw new ConfigurationException(key + "port=" + config.port() + " is not a TCP port (1-65535)");
        }
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
        } else if (config.password().isEmpty()) {
            throw new ConfigurationException(key + "password-file (or " + key + "password) is required");
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
            throw new ConfigurationException(key + "trust-store: cannot load " + store.map(Path::toString).orElse("the JDK's CAs")
                    + ": " + e.getMessage());
        }
        return new Target(name, config, trust);
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
            String text = Files.readString(config.passwordFile().get(), StandardCharsets.UTF_8);
            return text.replaceAll("[\\r\\n]+$", "");
        }
        return config.password().orElseThrow();
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

    public Duration dataTimeout() {
        return config.dataTimeout();
    }

    public PassiveAddress passiveAddress() {
        return config.passiveAddress();
    }

    public UploadMode uploadMode() {
        return config.uploadMode();
    }

    public int bufferSize() {
        return (int) config.bufferSize().asLongValue();
    }

    /** The key prefix of this target in application.properties, for messages that tell what to change. */
    public String key(String suffix) {
        return "ferry.targets." + name + "." + suffix;
    }
}
