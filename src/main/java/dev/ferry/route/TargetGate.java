package dev.ferry.route;

import java.util.function.BooleanSupplier;

import dev.ferry.cluster.Cluster;
import dev.ferry.ftps.TargetBreaker;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.apache.camel.spi.RouteIdAware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a route from polling while its {@link TargetBreaker} has the target paused, or (cluster mode) while the
 * claims' database cannot be used: files wait in their source directory meanwhile, keeping their upload attempts. Tells the route's {@link PollWatch} when a poll starts and ends.
 */
final class TargetGate implements PollingConsumerPollStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(TargetGate.class);
    /** The most files of one route in flight (uploading, queued, or waiting for their next attempt) before a poll. */
    static final int IN_FLIGHT_LIMIT = 1000;

    private final TargetBreaker breaker;
    private final PollWatch watch;
    private final BooleanSupplier claiming;
    private final Runnable beforePoll;

    /**
     * {@code claiming}: whether files may be claimed ({@link Cluster#accepting()}; always, on one host alone);
     * {@code beforePoll} runs as a poll begins ({@link PollOrder#beforePoll()}).
     */
    TargetGate(TargetBreaker breaker, PollWatch watch, BooleanSupplier claiming, Runnable beforePoll) {
        this.breaker = breaker;
        this.watch = watch;
        this.claiming = claiming;
        this.beforePoll = beforePoll;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        if (!breaker.isOpen() || !claiming.getAsBoolean()) {
            return false;
        }
        // files waiting for their next attempt hold no thread (RetryScheduler), so a server refusing every file
        // would have the polls take the whole backlog into memory: past this many files in flight, the poll waits
        if (consumer instanceof RouteIdAware route
                && endpoint.getCamelContext().getInflightRepository().size(route.getRouteId()) >= IN_FLIGHT_LIMIT) {
            return false;
        }
        watch.pollStarted();
        beforePoll.run();
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        // each file's outcome is settled by its exchange
        watch.pollEnded();
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        watch.pollEnded();
        LOG.warn("Polling {} failed: {}", endpoint, cause.getMessage());
        return false;
    }
}
