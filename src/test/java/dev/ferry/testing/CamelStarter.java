package dev.ferry.testing;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.ferry.route.Routes;
import io.quarkus.runtime.StartupEvent;
import org.apache.camel.quarkus.core.CamelRuntime;

/**
 * In a {@code @QuarkusTest} Ferry's main class does not run, and with a main class Camel Quarkus leaves starting
 * Camel to it: this test-only bean does what {@code FerryMain.run} does for the service.
 */
@ApplicationScoped
public class CamelStarter {

    void start(@Observes StartupEvent event, CamelRuntime camel, Routes routes) {
        camel.start(new String[0]);
        routes.started(false);
    }
}
