package dev.ferry.ftps;

import java.time.Duration;

import dev.ferry.config.FerryConfig;
import dev.ferry.testing.TestTargets;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pause of a target that cannot be used: how long, what it says, and what ends it. */
class TargetConnectionsTest {

    private static final FerryConfig.Backoff BACKOFF = new FerryConfig.Backoff() {

        @Override
        public Duration initialDelay() {
            return Duration.ofMillis(300);
        }
        @Override
        public Duration maxDelay() {
            return Duration.ofMillis(1000);
        }
        @Override
        public Duration loginRefusedDelay() {
            return Duration.ofHours(1);
        }
        @Override
        public Duration loginRefusedMaxDelay() {
            return Duration.ofHours(2);
        }
    };

    private final TargetConnections gate = new TargetConnections(TestTargets.target(21, "u", "p", null), BACKOFF);

    @Test
    void aFailureClosesTheGateWithTheReasonUntilThePauseEnds() {
        assertTrue(gate.isOpen());
        assertNull(gate.problem());
        long failedAt = System.nanoTime();
        gate.failed(new TargetUnavailableException("Cannot connect to localhost:21: refused", null));
        assertFalse(gate.isOpen(), "polls must stop at once");
        assertEquals("Cannot connect to localhost:21: refused", gate.problem());
        TargetPausedException paused = assertThrows(TargetPausedException.class, gate::checkOpen);
        assertTrue(paused.getMessage().startsWith("target test is paused until "), paused.getMessage());
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(gate::isOpen);
        assertTrue(System.nanoTime() - failedAt >= Duration.ofMillis(300).toNanos(), "opened before the initial delay");
        assertEquals("Cannot connect to localhost:21: refused", gate.problem(),
                "still unhealthy until an attempt succeeds");
    }

    @Test
    void eachFurtherFailureDoublesThePauseUpToTheMaximum() {
        gate.failed(new TargetUnavailableException("down", null));
        gate.failed(new TargetUnavailableException("down", null));
        gate.failed(new TargetUnavailableException("down", null));
        long lastAt = System.nanoTime();
        gate.failed(new TargetUnavailableException("down", null));
        // 300 ms doubled three times is 2.4 s, capped at 1 s
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(gate::isOpen);
        long pausedMillis = (System.nanoTime() - lastAt) / 1_000_000;
        assertTrue(pausedMillis >= 1000 && pausedMillis < 2400, "paused " + pausedMillis + " ms");
    }

    @Test
    void aRefusedLoginPausesForTheLoginDelayAndASuccessEndsEveryPause() {
        gate.failed(new LoginRefusedException("Login to localhost:21 as 'u' refused: 530"));
        assertFalse(gate.isOpen());
        assertThrows(TargetPausedException.class, gate::checkOpen);
        gate.succeeded();
        assertTrue(gate.isOpen());
        assertNull(gate.problem());
        assertDoesNotThrow(gate::checkOpen);
    }

    @Test
    void aPausedRefusalDoesNotExtendThePause() {
        gate.failed(new TargetUnavailableException("down", null));
        String problem = gate.problem();
        gate.failed(new TargetPausedException("target test is paused"));
        assertEquals(problem, gate.problem(), "the reason stays the server's, not the pause's own");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(gate::isOpen);
    }
}
