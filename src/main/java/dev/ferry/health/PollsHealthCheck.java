package dev.ferry.health;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.route.PollWatch;
import dev.ferry.route.Routes;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while no route's poll is stuck ({@link PollWatch}): one entry per route, {@code UP} or {@code DOWN: } and
 * what is stuck. Camel's consumer check would stay UP (CAMEL-26998).
 */
@Readiness
@ApplicationScoped
public class PollsHealthCheck implements HealthCheck {

    private final Routes routes;

    public PollsHealthCheck(Routes routes) {
        this.routes = routes;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("ferry-polls").up();
        for (Map.Entry<String, PollWatch> route : routes.polls().entrySet()) {
            String stuck = route.getValue().stuck();
            response.withData(route.getKey(), stuck == null ? "UP" : "DOWN: " + stuck);
            if (stuck != null) {
                response.down();
            }
        }
        return response.build();
    }
}
