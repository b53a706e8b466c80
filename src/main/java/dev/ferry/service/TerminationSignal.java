package dev.ferry.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM (systemctl stop) shuts Ferry down in order and exits 0: polling stops, an upload under way may finish
 * within {@code camel.main.shutdown-timeout}, and a file not delivered by then stays in its source. Left to the JVM,
 * Quarkus' shutdown hook stops it in the same order, but the exit status races between the signal's 143 and the main
 * thread's 0; with this handler a supervisor or script reading the status gets one answer. (The unit still accepts 143,
 * for a SIGTERM that arrives before Ferry has started.) {@code sun.misc.Signal} is supported API (module
 * jdk.unsupported) that Quarkus itself uses, and works in a native image.
 */
@ApplicationScoped
public class TerminationSignal {

    private static final Logger LOG = LoggerFactory.getLogger(TerminationSignal.class);

    void onStart(@Observes StartupEvent event) {
        Signal.handle(new Signal("TERM"), signal -> {
            LOG.info("SIGTERM: stopping; uploads under way may finish within the shutdown timeout");
            Quarkus.asyncExit(0);
        });
    }
}
