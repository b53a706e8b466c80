package dev.ferry.route;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.ferry.config.FerryConfig;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.RedeliveryPolicyDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;

/**
 * The one place retry policy lives, shared by every {@code ftps-upload} route: a target that cannot be used pauses
 * and keeps its files waiting; any other failure is retried with exponential backoff, then quarantined.
 */
@ApplicationScoped
public class FailureHandling extends RouteConfigurationBuilder {

    static final String CONFIGURATION_ID = "ferry-delivery";
    /** Threads the retried attempts run on, across all routes (each still takes one of its route's connections). */
    private static final int RETRY_THREADS = 8;

    @Inject
    FerryConfig config;

    @Inject
    Routes routes;

    @Override
    public void configuration() {
        FerryConfig.Retry retry = config.retry();
        if (retry.initialDelay().isNegative() || retry.maxDelay().compareTo(retry.initialDelay()) < 0) {
            throw new ConfigurationException(
                    "ferry.retry.initial-delay and ferry.retry.max-delay must not be negative, and max-delay not"
                            + " shorter than initial-delay");
        }

        RouteConfigurationDefinition configuration = routeConfiguration(CONFIGURATION_ID);
        configuration.errorHandler(new DefaultErrorHandlerDefinition()
                .executorService(new RetryScheduler(getContext(), RETRY_THREADS)));
        // cluster mode, the claims' database cannot be used: the file waits in its source, no attempt spent
        configuration.onException(Exception.class).onWhen(Failures::isClusterProblem)
                .handled(true)
                .process(exchange -> routes.delivery(exchange).clusterUnavailable(exchange));
        // connection refused, TLS handshake failed, login refused: not the file's fault, so no attempt is spent
        configuration.onException(Exception.class).onWhen(Failures::isTargetProblem)
                .handled(true)
                .process(exchange -> routes.delivery(exchange).targetUnavailable(exchange));

        OnExceptionDefinition fileFailure = configuration.onException(Exception.class);
        fileFailure.setRedeliveryPolicyType(new RedeliveryPolicyDefinition()
                .maximumRedeliveries(retry.attempts() - 1)
                .redeliveryDelay(retry.initialDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(retry.multiplier())
                .maximumRedeliveryDelay(retry.maxDelay().toMillis())
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logRetryStackTrace(false)
                .logStackTrace(false)
                .logExhausted(false)
                // the wait for the next attempt holds no upload thread and no connection: Camel schedules the
                // attempt, and the route's other files keep flowing meanwhile
                .asyncDelayedRedelivery()
                // on shutdown, stop waiting to retry: the file stays in its source for the next start
                .allowRedeliveryWhileStopping(false));
        fileFailure
                .onRedelivery(exchange -> routes.delivery(exchange).retrying(exchange))
                .handled(true)
                .process(exchange -> routes.delivery(exchange).quarantine(exchange));
    }
}
