package dev.ferry.health;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.ftps.TargetPool;
import dev.ferry.route.Routes;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while every target in use can be reached and accepts the login, and no upload is stuck: a target that cannot
 * be used (refused connection, failed TLS handshake, refused login) is reported DOWN with the reason until a later
 * attempt succeeds, and so is an upload that has made no progress for half its data timeout (it is cut at the full).
 */
@Readiness
@ApplicationScoped
public class TargetsHealthCheck implements HealthCheck {

    private final Routes routes;

    public TargetsHealthCheck(Routes routes) {
        this.routes = routes;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("ferry-targets").up();
        if (!routes.isStarted()) {
            return response.down().withData("ferry", "starting: the route files are being loaded").build();
        }
        for (Map.Entry<String, TargetPool> target : routes.targets().entrySet()) {
            String problem = target.getValue().breaker().problem();
            response.withData(target.getKey(), problem == null ? "UP" : "DOWN: " + problem);
            if (problem != null) {
                response.down();
            }
            List<String> stalled = target.getValue().stalledUploads();
            if (!stalled.isEmpty()) {
                response.withData("stalled " + target.getKey(), String.join("; ", stalled)).down();
            }
        }
        return response.build();
    }
}
