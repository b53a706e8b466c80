package dev.ferry.config;

import java.util.ArrayList;
import java.util.List;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSourceLoader;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SmallRyeConfigBuilderCustomizer;
import io.smallrye.config.SysPropConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Ferry's configuration comes from the config directory ({@link ConfigDirectorySourceFactory}), environment variables
 * and {@code -D} options, and nowhere else. SmallRye's default sources also read {@code $PWD/.env} (ordinal 295,
 * above the config directory) and {@code $PWD/config/application.properties} (260): {@code ferry check} run from a
 * directory holding a planted {@code .env} would connect to the host that file names, with the real password. This
 * keeps the defaults minus those two: system properties, the environment, and the built-in files inside the jar.
 */
public class ConfigSources implements SmallRyeConfigBuilderCustomizer {

    @Override
    public void configBuilder(SmallRyeConfigBuilder builder) {
        if (!builder.isAddDefaultSources()) {
            return;
        }
        builder.setAddDefaultSources(false);
        ClassLoader loader = builder.getClassLoader();
        List<ConfigSource> sources = new ArrayList<>();
        sources.add(new SysPropConfigSource());
        sources.add(new Environment());
        sources.addAll(PropertiesConfigSourceLoader.inClassPath("application.properties", 250, loader));
        sources.addAll(PropertiesConfigSourceLoader.inClassPath("META-INF/microprofile-config.properties", 100,
                loader));
        builder.withSources(sources);
    }

    /** After Quarkus' own customizers (the lowest priorities), which ask for the default sources. */
    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    /** The environment at SmallRye's own ordinal (300); its constructor is protected, as SmallRye adds it itself. */
    private static final class Environment extends EnvConfigSource {
    }
}
