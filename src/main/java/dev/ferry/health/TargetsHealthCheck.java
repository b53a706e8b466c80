package dev.ferry.health;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.route.RouteFileLoader;
import dev.ferry.route.TargetGate;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while every target in use can be reached and accepts the login; a target that cannot (refused connection,
 * failed TLS handshake, refused login) is reported DOWN with the reason until a later attempt succeeds.
 */
@Readiness
@ApplicationScoped
public class TargetsHealthCheck implements HealthCheck {

    private final RouteFileLoader routes;

    public TargetsHealthCheck(RouteFileLoader routes) {
        this.routes = routes;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("ferry-targets").up();
        for (Map.Entry<String, TargetGate> gate : routes.gates().entrySet()) {
            String problem = gate.getValue().problem();
            response.withData(gate.getKey(), problem == null ? "UP" : "DOWN: " + problem);
            if (problem != null) {
                response.down();
            }
        }
        return response.build();
    }
}
