package dev.ferry.health;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.ferry.route.Routes;
import io.quarkus.runtime.ShutdownEvent;
import org.apache.camel.CamelContext;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive unless the process itself is wedged: Camel stopped although nobody is stopping Ferry, or threads deadlocked.
 * A target that is down, a stuck poll or a stalled upload are readiness matters: restarting Ferry would not fix them,
 * so they never make this check DOWN.
 */
@Liveness
@ApplicationScoped
public class ProcessHealthCheck implements HealthCheck {

    private final CamelContext camel;
    private final Routes routes;
    private volatile boolean stopping;

    public ProcessHealthCheck(CamelContext camel, Routes routes) {
        this.camel = camel;
        this.routes = routes;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("ferry-process").up();
        response.withData("camel", camel.getStatus().name());
        if (routes.isStarted() && !stopping && (camel.isStopped() || camel.isStopping())) {
            response.withData("problem", "Camel has stopped although Ferry was not asked to stop").down();
        }
        String deadlocked = deadlockedThreads();
        if (deadlocked != null) {
            response.withData("deadlocked", deadlocked).down();
        }
        return response.build();
    }

    void stopping(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** The names of deadlocked threads, or {@code null}; {@code null} too where the runtime cannot tell. */
    private static String deadlockedThreads() {
        try {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long[] ids = threads.findDeadlockedThreads();
            if (ids == null || ids.length == 0) {
                return null;
            }
            String names = Arrays.stream(threads.getThreadInfo(ids)).filter(java.util.Objects::nonNull)
                    .map(ThreadInfo::getThreadName).collect(Collectors.joining(", "));
            // the native image's thread bean names threads it cannot describe: no names, no proof of a deadlock
            return names.isEmpty() ? null : names;
        } catch (UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }
}
