package dev.ferry.ftps;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.ferry.config.FerryConfig;
import dev.ferry.testing.TestTargets;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pause of a target that cannot be used (how long, what it says, and what ends it), and how its
 * {@code max-connections} (4 here) are shared by its routes.
 */
class TargetConnectionsTest {

    private static final FerryConfig.Backoff BACKOFF = TestTargets.backoff(Duration.ofMillis(300),
            Duration.ofMillis(1000), Duration.ofHours(1),
            Duration.ofHours(2));

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
    void aLoginAfterADataConnectionFailureNeitherEndsTheProblemNorResetsThePause() throws Exception {
        gate.failed(new TargetUnavailableException("Cannot connect to localhost:21: refused", null));
        gate.loggedIn();
        assertNull(gate.problem(), "after a connection failure a login proves the target usable");

        gate.failed(new DataConnectionException("Cannot open the data connection to 10.0.0.9:40000"));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(gate::isOpen);
        assertDoesNotThrow(gate::admit);
        gate.loggedIn();
        assertEquals("Cannot open the data connection to 10.0.0.9:40000", gate.problem(),
                "every login succeeds while every upload fails: still not usable");
        // the probing connection stays the only one: another waits for its upload's outcome
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
            try {
                gate.admit();
            } catch (TargetUnavailableException e) {
                throw new CompletionException(e);
            }
        });
        assertThrows(TimeoutException.class, () -> other.get(300, TimeUnit.MILLISECONDS));
        long secondAt = System.nanoTime();
        gate.failed(new DataConnectionException("Cannot open the data connection to 10.0.0.9:40000"));
        // the waiting connection learns of the outcome: paused (or, on a slow machine, admitted once the pause ended)
        try {
            other.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException waited) {
            assertTrue(waited.getCause() instanceof TargetPausedException, waited.toString());
        }
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(gate::isOpen);
        long pausedMillis = (System.nanoTime() - secondAt) / 1_000_000;
        assertTrue(pausedMillis >= 600, "the second pause doubles (600 ms), paused " + pausedMillis + " ms");

        gate.succeeded();
        assertNull(gate.problem(), "an upload that succeeds ends the problem");
        assertTrue(gate.isOpen());
    }

    @Test
    void aPausedRefusalDoesNotExtendThePause() {
        gate.failed(new TargetUnavailableException("down", null));
        String problem = gate.problem();
        gate.failed(new TargetPausedException("target test is paused"));
        assertEquals(problem, gate.problem(), "the reason stays the server's, not the pause's own");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(gate::isOpen);
    }

    @Test
    void aRouteAloneMayHoldEveryConnectionAndAFifthUploadWaitsForOne() throws Exception {
        gate.succeeded(); // the target has worked: its connections are shared, not probed
        RouteConnections route = gate.forRoute("a.yaml", false);
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(route.acquire());
        }
        assertEquals(4, gate.held());
        CompletableFuture<Connection> fifth = acquireLater(route);
        assertThrows(TimeoutException.class, () -> fifth.get(300, TimeUnit.MILLISECONDS), "a fifth connection");
        route.release(held.get(2));
        assertSame(held.get(2), fifth.get(5, TimeUnit.SECONDS), "the released connection is used again");
        assertEquals(4, gate.held());
    }

    @Test
    void withTwoRoutesEachLeavesTheOtherAConnection() throws Exception {
        gate.succeeded(); // the target has worked: its connections are shared, not probed
        RouteConnections busy = gate.forRoute("a.yaml", false);
        RouteConnections other = gate.forRoute("b.yaml", true);
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(busy.acquire());
        }
        CompletableFuture<Connection> fourth = acquireLater(busy);
        assertThrows(TimeoutException.class, () -> fourth.get(300, TimeUnit.MILLISECONDS),
                "a route may hold one connection less than the target has");
        other.acquire();
        assertEquals(4, gate.held());
        busy.release(held.get(0));
        assertSame(held.get(0), fourth.get(5, TimeUnit.SECONDS), "the busy route waits for one of its own");
        assertEquals(4, gate.held());
    }

    @Test
    void aRouteThatNeedsAConnectionClosesAnIdleOneOfAnotherRoute() throws Exception {
        gate.succeeded(); // the target has worked: its connections are shared, not probed
        RouteConnections first = gate.forRoute("a.yaml", false);
        RouteConnections second = gate.forRoute("b.yaml", false);
        List<Connection> idle = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            idle.add(first.acquire());
        }
        Connection one = second.acquire();
        idle.forEach(first::release);
        assertEquals(4, gate.held());
        // the second route takes two more: two of the first route's idle connections make room
        second.acquire();
        second.acquire();
        assertEquals(4, gate.held(), "never more than max-connections");
        second.release(one);
        assertSame(one, second.acquire(), "a route's own idle connection comes first");
    }

    @Test
    void aStoppedRouteClosesItsConnectionsAndTakesNoMore() throws Exception {
        gate.succeeded(); // the target has worked: its connections are shared, not probed
        RouteConnections route = gate.forRoute("a.yaml", false);
        Connection inUse = route.acquire();
        route.release(route.acquire());
        assertEquals(2, gate.held());
        route.close();
        assertEquals(1, gate.held(), "the idle one is closed at once");
        route.release(inUse);
        assertEquals(0, gate.held(), "the one in use is closed when its upload ends");
        assertThrows(IllegalStateException.class, route::acquire);
    }

    /** Runs {@code step} on another thread, for a step that may wait. */
    private static <T> CompletableFuture<T> later(Callable<T> step) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return step.call();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    private static CompletableFuture<Connection> acquireLater(RouteConnections route) {
        return later(route::acquire);
    }

    private CompletableFuture<Void> connectLater() {
        return later(() -> {
            gate.admit();
            return null;
        });
    }

    @Test
    void untilALoginSucceedsOneConnectionAtATimeFindsOutWhetherTheTargetWorks() throws Exception {
        gate.admit();
        CompletableFuture<Void> second = connectLater();
        assertThrows(TimeoutException.class, () -> second.get(300, TimeUnit.MILLISECONDS),
                "a second connection went ahead before the first one's login");
        gate.succeeded();
        second.get(5, TimeUnit.SECONDS);
        // proven: connections no longer wait for each other
        connectLater().get(5, TimeUnit.SECONDS);
    }

    @Test
    void afterAPauseAnIdleLoggedInConnectionWaitsForTheProbeToo() throws Exception {
        gate.succeeded();
        RouteConnections route = gate.forRoute("a.yaml", false);
        Connection first = route.acquire();
        route.release(route.acquire());
        route.release(first);
        gate.failed(new DataConnectionException("Cannot open the data connection to 10.0.0.9:40000"));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(gate::isOpen);
        // the probe: an idle connection, logged in before the failure
        Connection probe = route.acquire();
        CompletableFuture<Connection> other = acquireLater(route);
        assertThrows(TimeoutException.class, () -> other.get(300, TimeUnit.MILLISECONDS),
                "an idle connection went ahead while the probe's upload had no outcome");
        // the server answered about the probe's file (a refused STOR): the target works, the others go on
        route.uploadFailed();
        route.release(other.get(5, TimeUnit.SECONDS));
        route.release(probe);
        assertNull(gate.problem());
    }

    @Test
    void aRefusedLoginStopsTheConnectionsThatWaitedForIt() throws Exception {
        gate.admit();
        CompletableFuture<Void> second = connectLater();
        assertThrows(TimeoutException.class, () -> second.get(300, TimeUnit.MILLISECONDS));
        gate.failed(new LoginRefusedException("Login to localhost:21 as 'u' refused: 530"));
        Exception refused = assertThrows(Exception.class, () -> second.get(5, TimeUnit.SECONDS));
        assertTrue(refused.getCause() instanceof TargetPausedException, refused.toString());
    }

}
