package dev.ferry.route;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.cluster.Cluster;
import dev.ferry.config.FerryConfig;
import dev.ferry.ftps.Target;
import dev.ferry.ftps.TargetBreaker;
import dev.ferry.ftps.TargetPool;
import dev.ferry.outcome.Outcomes;
import dev.ferry.upload.Workers;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.apache.camel.Exchange;

/**
 * The routes while Ferry runs, by id ({@link UploadRoute}), and the targets they share: one {@link TargetPool} with its
 * {@link TargetBreaker} per target in use. The failure handling finds a file's route here by the exchange's route id;
 * the health checks and {@code ferry check} read the routes and targets.
 */
@ApplicationScoped
public class Routes {

    private final FerryConfig config;
    private final Outcomes outcomes;
    private final Cluster cluster;
    private final Map<String, TargetPool> targets = new ConcurrentHashMap<>();
    private final Map<String, UploadRoute> byId = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile boolean started;

    public Routes(FerryConfig config, Outcomes outcomes, Cluster cluster) {
        this.config = config;
        this.outcomes = outcomes;
        this.cluster = cluster;
        cluster.validate();
    }

    /**
     * Makes route {@code id} of the route file {@code file} (relative to the config directory, named in messages)
     * from its checked parameters.
     */
    UploadRoute add(String id, String file, RouteParameters route, Target target) {
        TargetPool pool = targets.computeIfAbsent(target.name(), name -> {
            TargetPool made = new TargetPool(new TargetBreaker(target, config.backoff()));
            outcomes.targetGauge("ferry.connections.open", "FTPS connections the target's routes hold, idle or in use",
                    name, made, TargetPool::held);
            return made;
        });
        TargetPool.Share share = pool.forRoute(file, route.remoteDir());
        // cluster mode: the delivery record is in the database, never in the shared source directory
        DeliveryRecord record = cluster.enabled() ? null : record(file, route.source());
        Delivery delivery = new Delivery(id, target, pool.breaker(), share, record, cluster, route,
                outcomes.forRoute(id, route.target(), route.source(), route.include(), route.recursive()),
                config.retry().localFailureDelay(), config.health().pollStuckAfter());
        String threads = "ferry-" + Path.of(file).getFileName().toString().replaceFirst("\\.ya?ml$", "");
        PollOrder order = !cluster.enabled() ? PollOrder.oldestFirst() : PollOrder.spreadAmong(cluster.owner(), () -> {
            Set<Path> overdue = delivery.pickup().overdue();
            Set<String> orphaned = cluster.orphaned();
            return listed -> overdue.contains(listed.getFile().toPath())
                    || orphaned.contains(Cluster.orphanKey(id, listed.getRelativeFilePath()));
        });
        UploadRoute made = new UploadRoute(id, file, route, target, delivery,
                new TargetGate(pool.breaker(), delivery.pollWatch(), cluster::accepting, order::beforePoll), order,
                Workers.start(threads, target.maxConnections()),
                share);
        byId.put(id, made);
        return made;
    }

    /**
     * The route files are loaded; {@code service}: the routes run (not {@code ferry check} or {@code validate}), so
     * each target's state is watched while idle ({@code idle-check}).
     */
    public void started(boolean service) {
        started = true;
        if (service) {
            targets.values().forEach(TargetPool::watchWhileIdle);
            cluster.start();
        }
    }

    public boolean isStarted() { return started; }

    /** The routes loaded, in the order of their files: what {@code ferry validate} and {@code ferry check} show. */
    public List<UploadRoute> routes() {
        synchronized (byId) {
            return List.copyOf(byId.values());
        }
    }

    /** The delivery of the route the exchange came from, for the failure handling. */
    Delivery delivery(Exchange exchange) {
        UploadRoute route = byId.get(exchange.getFromRouteId());
        if (route == null) {
            throw new IllegalStateException(
                    "Route " + exchange.getFromRouteId() + " is not an " + FtpsUploadTemplate.TEMPLATE_ID + " route");
        }
        return route.delivery();
    }

    /** Stops the targets' timers once the application, Camel's graceful stop included, is done with them. */
    @PreDestroy
    void close() {
        routes().forEach(route -> route.workers().shutdownNow());
        targets.values().forEach(TargetPool::close);
    }

    /** Each route's poll watch, by route id, in the order of the route files. */
    public Map<String, PollWatch> polls() {
        Map<String, PollWatch> polls = new LinkedHashMap<>();
        routes().forEach(route -> polls.put(route.id(), route.delivery().pollWatch()));
        return polls;
    }

    /** The targets in use, by name. */
    public Map<String, TargetPool> targets() {
        return Map.copyOf(targets);
    }

    private static DeliveryRecord record(String file, Path source) {
        Path record = source.resolve(".ferry").resolve("delivered");
        try {
            return DeliveryRecord.open(record);
        } catch (IOException e) {
            throw new ConfigurationException(file + ": cannot open the delivery record " + record + ": "
                    + e.getMessage() + "; the source directory must be writable");
        }
    }
}
