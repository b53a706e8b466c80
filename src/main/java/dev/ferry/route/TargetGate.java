package dev.ferry.route;

import dev.ferry.ftps.TargetConnections;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a target's routes from polling while {@link TargetConnections} has the target paused: files wait in their
 * source directory meanwhile, keeping their upload attempts.
 */
final class TargetGate implements PollingConsumerPollStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(TargetGate.class);

    private final TargetConnections connections;

    TargetGate(TargetConnections connections) {
        this.connections = connections;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return connections.isOpen();
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        // nothing to do: each file's outcome is settled by its exchange
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        LOG.warn("Polling {} failed: {}", endpoint, cause.getMessage());
        return false;
    }
}
