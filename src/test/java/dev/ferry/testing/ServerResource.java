package dev.ferry.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.ferry.demo.EmbeddedFtpsServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The test resource of a {@code @QuarkusTest} and of the {@code @QuarkusIntegrationTest} that extends it: one embedded
 * server and the config directory of a Ferry that ships to it, under {@code base} (emptied first). The resource owns
 * the server and hands it to the test's {@link InjectServer} field.
 */
public abstract class ServerResource implements QuarkusTestResourceLifecycleManager {

    private final Path base;
    private EmbeddedFtpsServer server;

    protected ServerResource(Path base) {
        this.base = base;
    }

    /** Starts the server, with its files under {@code base}. */
    protected abstract EmbeddedFtpsServer startServer(Path base) throws Exception;

    /** Writes the configuration of a Ferry shipping to {@code server} into {@code config}. */
    protected abstract FerryConfigDir configure(FerryConfigDir config, EmbeddedFtpsServer server) throws Exception;

    /** Configuration the application gets besides its config directory. */
    protected Map<String, String> properties() {
        return Map.of();
    }

    @Override
    public final Map<String, String> start() {
        try {
            TestFiles.deleteTree(base);
            server = startServer(base);
            FerryConfigDir config = configure(new FerryConfigDir(base.resolve("cfg")), server);
            // the packaged application gets it as -D; in the test JVM the config directory is read before any test
            // resource's configuration, so it is a system property there
            System.setProperty("ferry.config-dir", config.path().toString());
            Map<String, String> properties = new HashMap<>(properties());
            properties.put("ferry.config-dir", config.path().toString());
            return properties;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test server under " + base, e);
        }
    }

    @Override
    public final void inject(TestInjector injector) {
        injector.injectIntoFields(server,
                new TestInjector.AnnotatedAndMatchesType(InjectServer.class, EmbeddedFtpsServer.class));
    }

    @Override
    public final void stop() {
        System.clearProperty("ferry.config-dir");
        if (server != null) {
            server.close();
        }
    }
}
