package dev.ferry.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Reads {@code application.properties} from the config directory ({@code FERRY_CONFIG_DIR}, or the working
 * directory), which Quarkus does not do by itself. Its ordinal sits above the built-in files and below environment
 * variables and {@code -D} options, so those still override single keys. A missing file is reported by the route
 * loader, which names the directory.
 */
public class ConfigDirectorySourceFactory implements ConfigSourceFactory {

    static final int ORDINAL = 265;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Path file = configDirectory(context).resolve("application.properties");
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            URL url = file.toUri().toURL();
            return List.of(new PropertiesConfigSource(url, ORDINAL));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public OptionalInt getPriority() { return OptionalInt.of(ORDINAL); }

    static Path configDirectory(ConfigSourceContext context) {
        for (String name : new String[]{"ferry.config-dir", "FERRY_CONFIG_DIR"}) {
            ConfigValue value = context.getValue(name);
            if (value != null && value.getValue() != null && !value.getValue().isBlank()) {
                return Path.of(value.getValue());
            }
        }
        return Path.of(".");
    }
}
