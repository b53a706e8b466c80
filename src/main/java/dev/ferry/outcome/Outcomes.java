package dev.ferry.outcome;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.cluster.Cluster;
import dev.ferry.config.FerryConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes each route's {@link RouteReport} and each target's gauges, and writes the summary lines every
 * {@code ferry.log.summary-interval}. The meters are served with the others at {@code /q/metrics}.
 */
@ApplicationScoped
public class Outcomes {

    private static final Logger LOG = LoggerFactory.getLogger(Outcomes.class);

    private final MeterRegistry registry;
    private final Duration interval;
    /** Cluster mode: this host's name, in audit lines. */
    private final String host;
    private final List<RouteReport> reports = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService summaries;
    /** Lists the sources for {@link Backlog}, one listing at a time per source, off any caller's thread. */
    private final ExecutorService listings = Executors.newCachedThreadPool(run -> {
        Thread thread = new Thread(run, "ferry-backlog");
        thread.setDaemon(true);
        return thread;
    });

    public Outcomes(MeterRegistry registry, FerryConfig config, Cluster cluster) {
        this.registry = registry;
        this.host = cluster.enabled() ? cluster.host() : null;
        this.interval = config.log().summaryInterval();
        if (interval.isNegative() || !interval.isZero() && interval.toMillis() < 1) {
            throw new ConfigurationException(
                    "ferry.log.summary-interval must be 0 (no summary lines) or at least 1ms, e.g. 1m");
        }
    }

    /** The report of one route, from its source as the route picks files up. */
    public synchronized RouteReport forRoute(String route, String target, Path source, Pattern include,
            boolean recursive) {
        Backlog backlog = new Backlog(source, include, recursive, listings);
        // the first listing starts now, on a listing thread: a source that hangs never holds up the start
        backlog.relist();
        RouteReport report = new RouteReport(registry, route, target, host, backlog);
        reports.add(report);
        if (summaries == null && !interval.isZero()) {
            summaries = Executors.newSingleThreadScheduledExecutor(run -> {
                Thread thread = new Thread(run, "ferry-summary");
                thread.setDaemon(true);
                return thread;
            });
            summaries.scheduleAtFixedRate(this::summarize, interval.toMillis(), interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return report;
    }

    /** A gauge of one target, e.g. its connections open: {@code ferry_<name>{target=...}}. */
    public <T> void targetGauge(String name, String description, String target, T state, ToDoubleFunction<T> value) {
        Gauge.builder(name, state, value).description(description).tag("target", target).register(registry);
    }

    private void summarize() {
        for (RouteReport report : reports) {
            try {
                report.summarize(interval);
            } catch (RuntimeException e) {
                // a summary is never worth stopping the next one for
                LOG.warn("Cannot write the summary of route {}: {}", report.route(), e.toString());
            }
        }
    }

    @PreDestroy
    synchronized void close() {
        if (summaries != null) {
            summaries.shutdownNow();
        }
        listings.shutdownNow();
    }
}
