package dev.ferry.route;

import java.time.Duration;

import dev.ferry.config.FerryConfig;
import dev.ferry.ftps.TargetBreaker;
import dev.ferry.ftps.TargetUnavailableException;
import dev.ferry.testing.TestTargets;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The route's poll strategy: no poll while the target is paused (files keep their attempts in the source), and the
 * poll watch told when a poll runs, so that a poll that stops moving is reported stuck and one that ended is not.
 */
class TargetGateTest {

    private static final FerryConfig.Backoff BACKOFF = TestTargets.backoff(Duration.ofSeconds(2), Duration.ofSeconds(2),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1));

    private final TargetBreaker breaker = new TargetBreaker(TestTargets.target(21, "u", "p", null), BACKOFF);
    private final PollWatch watch = new PollWatch(Duration.ofSeconds(1));
    private final TargetGate gate = new TargetGate(breaker, watch, () -> true, () -> {
    });

    @Test
    void noPollWhileTheTargetIsPausedAndPollsAgainOnceThePauseEnds() {
        assertTrue(gate.begin(null, null));
        gate.commit(null, null, 0);
        breaker.failed(new TargetUnavailableException("Cannot connect to localhost:21: refused", null));
        assertFalse(gate.begin(null, null), "polled while the target is paused");
        assertNull(watch.stuck(), "a poll that did not start cannot be stuck");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(breaker::isOpen);
        assertTrue(gate.begin(null, null), "no poll after the pause ended");
        gate.commit(null, null, 1);
    }

    @Test
    void aPollThatStopsMovingIsStuckUntilItEnds() {
        assertTrue(gate.begin(null, null));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> watch.stuck() != null);
        assertNotNull(watch.stuck());
        assertTrue(watch.stuck().contains("ferry.health.poll-stuck-after"), watch.stuck());
        watch.progress();
        assertNull(watch.stuck(), "a poll that moves again is not stuck");
        assertFalse(gate.rollback(null, null, 0, new IllegalStateException("listing failed")));
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> watch.stuck() == null);
    }
}
