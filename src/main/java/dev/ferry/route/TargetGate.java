package dev.ferry.route;

import java.time.Duration;
import java.time.Instant;

import dev.ferry.config.FerryConfig;
import dev.ferry.ftps.LoginRefusedException;
import dev.ferry.ftps.Target;
import dev.ferry.ftps.TargetPausedException;
import dev.ferry.ftps.TargetUnavailableException;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a target's routes from polling while the target is unreachable or refuses the login, with a pause that
 * doubles on each further failure. Files wait in their source directory meanwhile, keeping their upload attempts;
 * a wrong password thus costs a few logins an hour, not one per file.
 */
public class TargetGate implements PollingConsumerPollStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(TargetGate.class);

    private final Target target;
    private final FerryConfig.Backoff backoff;
    private int failures;
    private Instant closedUntil = Instant.MIN;
    private String problem;

    TargetGate(Target target, FerryConfig.Backoff backoff) {
        this.target = target;
        this.backoff = backoff;
    }

    public synchronized boolean isOpen() {
        return !Instant.now().isBefore(closedUntil);
    }

    /** Healthy unless the last attempt to use the target failed; the message says why. */
    public synchronized String problem() {
        return problem;
    }

    /** Throws while the target is paused: a batch already picked up, and a retry, do not connect file after file. */
    void checkOpen() throws TargetPausedException {
        if (!isOpen()) {
            throw new TargetPausedException("target " + target.name() + " is paused until " + closedUntil + ": " + problem);
        }
    }

    synchronized void failed(TargetUnavailableException e) {
        if (e instanceof TargetPausedException) {
            return;
        }
        failures++;
        Duration first = e instanceof LoginRefusedException ? backoff.loginRefusedDelay() : backoff.initialDelay();
        Duration max = e instanceof LoginRefusedException ? backoff.loginRefusedMaxDelay() : backoff.maxDelay();
        Duration pause = first.multipliedBy(1L << Math.min(failures - 1, 20));
        if (pause.compareTo(max) > 0) {
            pause = max;
        }
        closedUntil = Instant.now().plus(pause);
        problem = e.getMessage();
        LOG.warn("Target {} ({}) unavailable, failure {}: {}. Its files wait; next try in {} s", target.name(), target.address(),
                failures, e.getMessage(), pause.toMillis() / 1000.0);
    }

    synchronized void succeeded() {
        if (failures > 0) {
            LOG.info("Target {} ({}) is reachable again after {} failed attempts", target.name(), target.address(), failures);
        }
        failures = 0;
        problem = null;
        closedUntil = Instant.MIN;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return isOpen();
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
