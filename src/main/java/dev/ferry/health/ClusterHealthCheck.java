package dev.ferry.health;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.cluster.Cluster;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Cluster mode: ready while the claims' database answers. DOWN with the reason while it does not: this host then
 * claims no file, and abandons its uploads before their claims could end. Without cluster mode: UP, saying so.
 */
@Readiness
@ApplicationScoped
public class ClusterHealthCheck implements HealthCheck {

    private final Cluster cluster;

    public ClusterHealthCheck(Cluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("ferry-cluster").up();
        if (!cluster.enabled()) {
            return response.withData("cluster", "off: this host ships its sources alone").build();
        }
        response.withData("host", cluster.host()).withData("owner", cluster.owner());
        cluster.down().ifPresent(reason -> response.down().withData("database", "DOWN: " + reason));
        if (cluster.down().isEmpty()) {
            response.withData("database", "UP");
        }
        if (cluster.unrecorded() > 0) {
            response.withData("unrecorded deliveries", cluster.unrecorded());
        }
        return response.build();
    }
}
