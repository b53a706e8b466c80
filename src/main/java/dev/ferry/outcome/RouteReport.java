package dev.ferry.outcome;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.ferry.outcome.FileOutcome.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one route's file outcomes go: the audit trail, the route's {@code ferry_*} meters (tagged {@code route} and
 * {@code target}) and its periodic summary line. {@code Delivery} reports every outcome here and nowhere else.
 */
public final class RouteReport {

    private static final Logger SUMMARY = LoggerFactory.getLogger("ferry.summary");

    private final String route;
    private final String target;
    /** Cluster mode: this host's name, in each audit line; {@code null} otherwise. */
    private final String host;
    private final Backlog backlog;
    private final Counter delivered;
    private final Counter bytes;
    private final Counter fileFailures;
    private final Counter targetFailures;
    private final Counter retries;
    private final Counter quarantined;
    private final Counter skipped;
    private final Timer uploads;
    private final Counter resumed;
    private final Counter notResumed;
    private final LongAdder[] sinceSummary = new LongAdder[Outcome.values().length];
    private final LongAdder bytesSinceSummary = new LongAdder();
    private boolean shownWaiting;

    RouteReport(MeterRegistry registry, String route, String target, String host, Backlog backlog) {
        this.route = route;
        this.target = target;
        this.host = host;
        this.backlog = backlog;
        Tags tags = Tags.of("route", route, "target", target);
        delivered = Counter.builder("ferry.files.delivered").description("Files uploaded and renamed into place")
                .tags(tags).register(registry);
        bytes = Counter.builder("ferry.delivered.bytes").description("Bytes of the files delivered").tags(tags)
                .register(registry);
        fileFailures = Counter.builder("ferry.upload.failures")
                .description("Failed upload attempts; kind=file spends one of the file's attempts, kind=target"
                        + " (target unreachable or login refused) does not")
                .tags(tags).tag("kind", "file").register(registry);
        targetFailures = Counter.builder("ferry.upload.failures").tags(tags).tag("kind", "target").register(registry);
        retries = Counter.builder("ferry.upload.retries").description("Attempts followed by another after a delay")
                .tags(tags).register(registry);
        quarantined = Counter.builder("ferry.files.quarantined")
                .description("Files moved to the failed directory with a .error report").tags(tags)
                .register(registry);
        skipped = Counter.builder("ferry.files.skipped")
                .description("Files not sent: delivered before a restart, or left alone (links, special files)")
                .tags(tags).register(registry);
        uploads = Timer.builder("ferry.upload.duration").description("Time of each successful upload's transfer")
                .tags(tags).register(registry);
        resumed = Counter.builder("ferry.tls.data.connections")
                .description("Data connections of successful uploads, by whether they resumed the control"
                        + " connection's TLS session")
                .tags(tags).tag("resumed", "true").register(registry);
        notResumed = Counter.builder("ferry.tls.data.connections").tags(tags).tag("resumed", "false")
                .register(registry);
        Gauge.builder("ferry.files.waiting", backlog, Backlog::waiting)
                .description("Files in the source waiting to be picked up or delivered").tags(tags)
                .register(registry);
        Gauge.builder("ferry.files.waiting.oldest.age.seconds", backlog, Backlog::oldestAgeSeconds)
                .description("Seconds since the oldest waiting file was last modified (0: none waits)").tags(tags)
                .register(registry);
        for (int i = 0; i < sinceSummary.length; i++) {
            sinceSummary[i] = new LongAdder();
        }
    }

    /**
     * Uploaded and in place; {@code transferMillis} is the upload's own time, without retries ({@code -1}: not
     * known, left out of {@code ferry_upload_duration}).
     */
    public void delivered(FileOutcome outcome, long transferMillis) {
        AuditTrail.write(outcome, host);
        delivered.increment();
        long size = outcome.size() == null ? 0 : outcome.size();
        bytes.increment(size);
        bytesSinceSummary.add(size);
        if (transferMillis >= 0) {
            uploads.record(transferMillis, TimeUnit.MILLISECONDS);
        }
        if (outcome.resumed() != null) {
            (outcome.resumed() ? resumed : notResumed).increment();
        }
        sinceSummary[Outcome.DELIVERED.ordinal()].increment();
    }

    /** An attempt failed and another follows. */
    public void retried(FileOutcome outcome) {
        AuditTrail.write(outcome, host);
        fileFailures.increment();
        retries.increment();
        sinceSummary[Outcome.RETRIED.ordinal()].increment();
    }

    /** Moved to the failed directory: after its last failed attempt, or at once for a name no server may see. */
    public void quarantined(FileOutcome outcome) {
        AuditTrail.write(outcome, host);
        if (outcome.attempts() > 0) {
            fileFailures.increment();
        }
        quarantined.increment();
        sinceSummary[Outcome.QUARANTINED.ordinal()].increment();
    }

    public void skipped(FileOutcome outcome) {
        AuditTrail.write(outcome, host);
        skipped.increment();
        sinceSummary[Outcome.SKIPPED.ordinal()].increment();
    }

    /** Ferry stopped while the file waited for its next attempt: the last one failed, the file stays for next start. */
    public void stoppedWhileRetrying(FileOutcome outcome) {
        fileFailures.increment();
        skipped(outcome);
    }

    /** The target could not be used: the file waits in its source, its attempts kept. */
    public void targetFailed() {
        targetFailures.increment();
    }

    public String route() {
        return route;
    }

    public String target() {
        return target;
    }

    /**
     * Logs what happened since the last summary, when anything did or files are waiting (and once more when the
     * last of them has gone): one line per route and interval while files flow, nothing while the route is idle.
     * The count of waiting files is that of the last listing; a new one is asked for with each line.
     */
    void summarize(Duration interval) {
        long[] counts = new long[sinceSummary.length];
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = sinceSummary[i].sumThenReset();
            total += counts[i];
        }
        long sent = bytesSinceSummary.sumThenReset();
        long waiting = backlog.waiting();
        backlog.relist();
        if (total == 0 && waiting == 0 && !shownWaiting) {
            return;
        }
        shownWaiting = waiting > 0;
        SUMMARY.info("Route {} -> {}, last {} s: {} delivered ({} bytes), {} retried, {} quarantined, {} skipped; {}",
                route, target, interval.toSeconds(), counts[Outcome.DELIVERED.ordinal()], String.format("%,d", sent),
                counts[Outcome.RETRIED.ordinal()], counts[Outcome.QUARANTINED.ordinal()],
                counts[Outcome.SKIPPED.ordinal()],
                waiting == 0
                        ? "none waiting"
                        : waiting + " waiting, the oldest for " + Math.round(backlog.oldestAgeSeconds()) + " s");
    }
}
