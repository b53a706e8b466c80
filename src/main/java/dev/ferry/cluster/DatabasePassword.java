package dev.ferry.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import dev.ferry.config.FerryConfig;
import io.quarkus.arc.Unremovable;
import io.quarkus.credentials.CredentialsProvider;

/**
 * The database password from {@code ferry.cluster.password-file} (its first line; under systemd a credential,
 * {@code ${CREDENTIALS_DIRECTORY}/database}), read each time a connection is opened, so a rotated password is taken
 * without a restart. Without that key the datasource's own {@code quarkus.datasource.password} is used. The built-in
 * configuration names this bean as the datasource's credentials provider.
 */
@ApplicationScoped
@Named("ferry-database-password")
@Unremovable
public class DatabasePassword implements CredentialsProvider {

    private final Optional<Path> file;

    DatabasePassword(FerryConfig config) {
        this.file = config.cluster().passwordFile();
    }

    @Override
    public Map<String, String> getCredentials(String credentialsProviderName) {
        if (file.isEmpty()) {
            return Map.of();
        }
        try {
            String text = Files.readString(file.get(), StandardCharsets.UTF_8);
            return Map.of(PASSWORD_PROPERTY_NAME, text.lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new IllegalStateException("ferry.cluster.password-file: cannot read " + file.get().toAbsolutePath()
                    + " (" + e.getMessage() + "); it must hold the database password, readable by the service user",
                    e);
        }
    }
}
