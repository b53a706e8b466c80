package dev.ferry.route;

import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.ExecutorService;

import dev.ferry.ftps.Target;
import dev.ferry.ftps.TargetPool;
import org.apache.camel.component.file.GenericFileExclusiveReadLockStrategy;
import org.apache.camel.component.file.GenericFileFilter;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.PollingConsumerPollStrategy;

/**
 * One route of {@code routes/*.yaml}, made by {@link RouteFileLoader} once Camel has given it its id: its checked
 * parameters, its target, and the objects it runs on, which {@link #bindTo} hands to Camel as the route's own beans
 * (the template refers to them as {@code {{delivery}}}, {@code {{gate}}}, ...).
 *
 * @param id          the route's id ({@code routeId} in its file)
 * @param file        the route file, relative to the config directory
 * @param parameters  what the file sets, checked
 * @param target      where the route ships to
 * @param delivery    each file's outcome, and the route's report
 * @param gate        keeps the route from polling while its target is paused
 * @param order       the order a poll hands files over in
 * @param workers     the threads the route uploads on, one per connection its target allows
 * @param connections the route's share of its target's connections
 */
public record UploadRoute(String id, String file, RouteParameters parameters, Target target, Delivery delivery,
        TargetGate gate, PollOrder order, ExecutorService workers, TargetPool.Share connections) {

    /**
     * Binds the route's objects to the route Camel made from the template: local to it, nothing in Camel's global
     * registry. Each is bound under a key of its own that the template's placeholder ({@code {{delivery}}}) names, so
     * no parameter value (a host or directory called {@code delivery}) can be taken for it.
     */
    void bindTo(RouteDefinition route) {
        bind(route, "delivery", Delivery.class, delivery);
        bind(route, "gate", PollingConsumerPollStrategy.class, gate);
        bind(route, "pickup", GenericFileFilter.class, delivery.pickup());
        bind(route, "readLock", GenericFileExclusiveReadLockStrategy.class, delivery.pickup().readLock());
        bind(route, "order", Comparator.class, order);
        bind(route, "workers", ExecutorService.class, workers);
        bind(route, "connections", TargetPool.Share.class, connections);
    }

    private static void bind(RouteDefinition route, String name, Class<?> type, Object bean) {
        String key = name + "-" + UUID.randomUUID();
        route.getRouteTemplateContext().bind(key, type, bean);
        route.getTemplateParameters().put(name, key);
    }
}
