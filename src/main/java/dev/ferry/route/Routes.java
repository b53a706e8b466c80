package dev.ferry.route;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.config.FerryConfig;
import dev.ferry.ftps.Target;
import dev.ferry.ftps.TargetBreaker;
import dev.ferry.ftps.TargetPool;
import dev.ferry.outcome.Outcomes;
import dev.ferry.upload.Workers;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.apache.camel.Exchange;
import org.apache.camel.RouteTemplateContext;

/**
 * What the routes are made of while Ferry runs: one {@link TargetPool} with its {@link TargetBreaker} per target in use, one
 * {@link DeliveryRecord} per source, one {@link Delivery} and {@link TargetGate} per route. The template's beans, the
 * failure handling and the health check all find them here, by the route's source or id; nothing is bound in Camel's
 * global registry.
 */
@ApplicationScoped
public class Routes {

    private final FerryConfig config;
    private final Outcomes outcomes;
    private final Map<String, TargetPool> targets = new ConcurrentHashMap<>();
    private final Map<Path, TargetGate> gates = new ConcurrentHashMap<>();
    private final Map<Path, DeliveryRecord> records = new ConcurrentHashMap<>();
    private final Map<Path, Delivery> bySource = new ConcurrentHashMap<>();
    private final Map<String, Delivery> byRouteId = new ConcurrentHashMap<>();
    private final Map<Path, ExecutorService> workers = new ConcurrentHashMap<>();
    private final Map<Path, RouteInfo> unnamed = new ConcurrentHashMap<>();
    private volatile boolean started;
    private final Map<String, RouteInfo> named = Collections.synchronizedMap(new LinkedHashMap<>());

    public Routes(FerryConfig config, Outcomes outcomes) {
        this.config = config;
        this.outcomes = outcomes;
    }

    /** Makes the parts of one route from its checked parameters; {@code where} names the route file in messages. */
    Delivery add(String where, RouteParameters route, Target target) {
        TargetPool pool = targets.computeIfAbsent(target.name(), name -> {
            TargetPool made = new TargetPool(new TargetBreaker(target, config.backoff()));
            outcomes.targetGauge("ferry.connections.open", "FTPS connections the target's routes hold, idle or in use",
                    name, made, TargetPool::held);
            return made;
        });
        TargetPool.Share share = pool.forRoute(where, route.remoteDir().absolute());
        Delivery delivery = new Delivery(target, pool.breaker(), share, record(where, route.source()), route,
                config.retry().localFailureDelay(), config.health().pollStuckAfter());
        gates.put(route.source(), new TargetGate(pool.breaker(), delivery.pollWatch()));
        bySource.put(route.source(), delivery);
        unnamed.put(route.source(), new RouteInfo(null, where, route));
        String file = Path.of(where).getFileName().toString().replaceFirst("\\.ya?ml$", "");
        workers.put(route.source(), Workers.start("ferry-" + file, target.maxConnections()));
        return delivery;
    }

    /** Names the route a delivery belongs to, once Camel has made it. */
    void named(String routeId, Path source) {
        Delivery delivery = bySource.get(source);
        RouteInfo info = unnamed.remove(source);
        RouteParameters route = info.parameters();
        delivery.named(routeId,
                outcomes.forRoute(routeId, route.target(), route.source(), route.include(), route.recursive()));
        byRouteId.put(routeId, delivery);
        named.put(routeId, new RouteInfo(routeId, info.file(), info.parameters()));
    }

    /** Camel has started with every route file loaded: until then the readiness check says so. */
    /**
     * The route files are loaded; {@code service}: the routes run (not {@code ferry check} or {@code validate}), so
     * each target's state is watched while idle ({@code idle-check}).
     */
    public void started(boolean service) {
        started = true;
        if (service) {
            targets.values().forEach(TargetPool::watchWhileIdle);
        }
    }

    public boolean isStarted() { return started; }

    /** The routes loaded, in the order of their files: what {@code ferry validate} and {@code ferry check} show. */
    public List<RouteInfo> routes() {
        synchronized (named) {
            return List.copyOf(named.values());
        }
    }

    /** One loaded route: its id, the route file it comes from (relative to the config directory), its parameters. */
    public record RouteInfo(String id, String file, RouteParameters parameters) {
    }

    /** The delivery of the route a template bean is made for, found by the route's source. */
    Delivery delivery(RouteTemplateContext route) {
        Delivery delivery = bySource.get(sourceOf(route));
        if (delivery == null) {
            throw new IllegalStateException(
                    "No delivery for the source " + sourceOf(route) + ": the route was not made from its route file");
        }
        return delivery;
    }

    private static Path sourceOf(RouteTemplateContext route) {
        return RouteParameters.sourceOf(route.getCamelContext()
                .resolvePropertyPlaceholders(String.valueOf(route.getProperty(RouteParameters.SOURCE)).trim()));
    }

    /** The delivery of the route the exchange came from, for the failure handling. */
    Delivery delivery(Exchange exchange) {
        Delivery delivery = byRouteId.get(exchange.getFromRouteId());
        if (delivery == null) {
            throw new IllegalStateException(
                    "Route " + exchange.getFromRouteId() + " is not an " + FtpsUploadTemplate.TEMPLATE_ID + " route");
        }
        return delivery;
    }

    /**
     * The threads a template bean's route uploads on: as many as the target has connections (those beyond the
     * route's share wait for one).
     */
    ExecutorService workers(RouteTemplateContext route) {
        delivery(route);
        return workers.get(sourceOf(route));
    }

    /** The poll strategy of a template bean's route. */
    TargetGate gate(RouteTemplateContext route) {
        delivery(route);
        return gates.get(sourceOf(route));
    }

    /** Stops the targets' timers once the application, Camel's graceful stop included, is done with them. */
    @PreDestroy
    void close() {
        workers.values().forEach(ExecutorService::shutdownNow);
        targets.values().forEach(TargetPool::close);
    }

    /** Each route's poll watch, by route id, in the order of the route files. */
    public Map<String, PollWatch> polls() {
        Map<String, PollWatch> polls = new LinkedHashMap<>();
        for (RouteInfo route : routes()) {
            polls.put(route.id(), byRouteId.get(route.id()).pollWatch());
        }
        return polls;
    }

    /** The targets in use, by name. */
    public Map<String, TargetPool> targets() {
        return Map.copyOf(targets);
    }

    private DeliveryRecord record(String where, Path source) {
        return records.computeIfAbsent(source, dir -> {
            Path file = dir.resolve(".ferry").resolve("delivered");
            try {
                return DeliveryRecord.open(file);
            } catch (IOException e) {
                throw new ConfigurationException(
                        where + ": cannot open the delivery record " + file + ": " + e.getMessage()
                                + "; the source directory must be writable");
            }
        });
    }
}
