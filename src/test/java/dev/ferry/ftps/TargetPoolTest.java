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
import org.junit.jupiter.api.AfterEach;
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
 * The pause of a target that cannot be used ({@link TargetBreaker}: how long, what it says, and what ends it), and how
 * its {@code max-connections} (4 here) are shared by its routes ({@link TargetPool}), the probe after a pause included.
 */
class TargetPoolTest {

    private static final FerryConfig.Backoff BACKOFF = TestTargets.backoff(Duration.ofMillis(300),
            Duration.ofMillis(1000), Duration.ofHours(1),
            Duration.ofHours(2));

    private final TargetBreaker breaker = new TargetBreaker(TestTargets.target(21, "u", "p", null), BACKOFF);
    private final TargetPool pool = new TargetPool(breaker);

    @AfterEach
    void stopTimer() {
        pool.close();
    }

    @Test
    void aFailureClosesTheGateWithTheReasonUntilThePauseEnds() {
        assertTrue(breaker.isOpen());
        assertNull(breaker.problem());
        long failedAt = System.nanoTime();
        breaker.failed(new TargetUnavailableException("Cannot connect to localhost:21: refused", null));
        assertFalse(breaker.isOpen(), "polls must stop at once");
        assertEquals("Cannot connect to localhost:21: refused", breaker.problem());
        TargetPausedException paused = assertThrows(TargetPausedException.class, breaker::checkOpen);
        assertTrue(paused.getMessage().startsWith("target test is paused until "), paused.getMessage());
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(breaker::isOpen);
        assertTrue(System.nanoTime() - failedAt >= Duration.ofMillis(300).toNanos(), "opened before the initial delay");
        assertEquals("Cannot connect to localhost:21: refused", breaker.problem(),
                "still unhealthy until an attempt succeeds");
    }

    @Test
    void eachFurtherFailureDoublesThePauseUpToTheMaximum() {
        breaker.failed(new TargetUnavailableException("down", null));
        breaker.failed(new TargetUnavailableException("down", null));
        breaker.failed(new TargetUnavailableException("down", null));
        long lastAt = System.nanoTime();
        breaker.failed(new TargetUnavailableException("down", null));
        // 300 ms doubled three times is 2.4 s, capped at 1 s
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(breaker::isOpen);
        long pausedMillis = (System.nanoTime() - lastAt) / 1_000_000;
        assertTrue(pausedMillis >= 1000 && pausedMillis < 2400, "paused " + pausedMillis + " ms");
    }

    @Test
    void aRefusedLoginPausesForTheLoginDelayAndASuccessEndsEveryPause() {
        breaker.failed(new LoginRefusedException("Login to localhost:21 as 'u' refused: 530"));
        assertFalse(breaker.isOpen());
        assertThrows(TargetPausedException.class, breaker::checkOpen);
        breaker.succeeded();
        assertTrue(breaker.isOpen());
        assertNull(breaker.problem());
        assertDoesNotThrow(breaker::checkOpen);
    }

    @Test
    void aLoginAfterADataConnectionFailureNeitherEndsTheProblemNorResetsThePause() throws Exception {
        breaker.failed(new TargetUnavailableException("Cannot connect to localhost:21: refused", null));
        breaker.loggedIn();
        assertNull(breaker.problem(), "after a connection failure a login proves the target usable");

        breaker.failed(new DataConnectionException("Cannot open the data connection to 10.0.0.9:40000"));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(breaker::isOpen);
        assertDoesNotThrow(breaker::admit);
        breaker.loggedIn();
        assertEquals("Cannot open the data connection to 10.0.0.9:40000", breaker.problem(),
                "every login succeeds while every upload fails: still not usable");
        // the probing connection stays the only one: another waits for its upload's outcome
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
            try {
                breaker.admit();
            } catch (TargetUnavailableException e) {
                throw new CompletionException(e);
            }
        });
        assertThrows(TimeoutException.class, () -> other.get(300, TimeUnit.MILLISECONDS));
        long secondAt = System.nanoTime();
        breaker.failed(new DataConnectionException("Cannot open the data connection to 10.0.0.9:40000"));
        // the waiting connection learns of the outcome: paused (or, on a slow machine, admitted once the pause ended)
        try {
            other.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException waited) {
            assertTrue(waited.getCause() instanceof TargetPausedException, waited.toString());
        }
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(breaker::isOpen);
        long pausedMillis = (System.nanoTime() - secondAt) / 1_000_000;
        assertTrue(pausedMillis >= 600, "the second pause doubles (600 ms), paused " + pausedMillis + " ms");

        breaker.succeeded();
        assertNull(breaker.problem(), "an upload that succeeds ends the problem");
        assertTrue(breaker.isOpen());
    }

    @Test
    void aPausedRefusalDoesNotExtendThePause() {
        breaker.failed(new TargetUnavailableException("down", null));
        String problem = breaker.problem();
        breaker.failed(new TargetPausedException("target test is paused"));
        assertEquals(problem, breaker.problem(), "the reason stays the server's, not the pause's own");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(breaker::isOpen);
    }

    @Test
    void aRouteAloneMayHoldEveryConnectionAndAFifthUploadWaitsForOne() throws Exception {
        breaker.succeeded(); // the target has worked: its connections are shared, not probed
        TargetPool.Share route = pool.forRoute("a.yaml", RemoteDir.of("in"));
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(route.acquire());
        }
        assertEquals(4, pool.held());
        CompletableFuture<Connection> fifth = acquireLater(route);
        assertThrows(TimeoutException.class, () -> fifth.get(300, TimeUnit.MILLISECONDS), "a fifth connection");
        route.release(held.get(2));
        assertSame(held.get(2), fifth.get(5, TimeUnit.SECONDS), "the released connection is used again");
        assertEquals(4, pool.held());
    }

    @Test
    void withTwoRoutesEachLeavesTheOtherAConnection() throws Exception {
        breaker.succeeded(); // the target has worked: its connections are shared, not probed
        TargetPool.Share busy = pool.forRoute("a.yaml", RemoteDir.of("in"));
        TargetPool.Share other = pool.forRoute("b.yaml", RemoteDir.of("/in"));
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(busy.acquire());
        }
        CompletableFuture<Connection> fourth = acquireLater(busy);
        assertThrows(TimeoutException.class, () -> fourth.get(300, TimeUnit.MILLISECONDS),
                "a route may hold one connection less than the target has");
        other.acquire();
        assertEquals(4, pool.held());
        busy.release(held.get(0));
        assertSame(held.get(0), fourth.get(5, TimeUnit.SECONDS), "the busy route waits for one of its own");
        assertEquals(4, pool.held());
    }

    @Test
    void aRouteThatNeedsAConnectionClosesAnIdleOneOfAnotherRoute() throws Exception {
        breaker.succeeded(); // the target has worked: its connections are shared, not probed
        TargetPool.Share first = pool.forRoute("a.yaml", RemoteDir.of("in"));
        TargetPool.Share second = pool.forRoute("b.yaml", RemoteDir.of("in"));
        List<Connection> idle = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            idle.add(first.acquire());
        }
        Connection one = second.acquire();
        idle.forEach(first::release);
        assertEquals(4, pool.held());
        // the second route takes two more: two of the first route's idle connections make room
        second.acquire();
        second.acquire();
        assertEquals(4, pool.held(), "never more than max-connections");
        second.release(one);
        assertSame(one, second.acquire(), "a route's own idle connection comes first");
    }

    @Test
    void aStoppedRouteClosesItsConnectionsAndTakesNoMore() throws Exception {
        breaker.succeeded(); // the target has worked: its connections are shared, not probed
        TargetPool.Share route = pool.forRoute("a.yaml", RemoteDir.of("in"));
        Connection inUse = route.acquire();
        route.release(route.acquire());
        assertEquals(2, pool.held());
        route.close();
        assertEquals(1, pool.held(), "the idle one is closed at once");
        route.release(inUse);
        assertEquals(0, pool.held(), "the one in use is closed when its upload ends");
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

    private static CompletableFuture<Connection> acquireLater(TargetPool.Share route) {
        return later(route::acquire);
    }

    private CompletableFuture<Void> connectLater() {
        return later(() -> {
            breaker.admit();
            return null;
        });
    }

    @Test
    void untilALoginSucceedsOneConnectionAtATimeFindsOutWhetherTheTargetWorks() throws Exception {
        breaker.admit();
        CompletableFuture<Void> second = connectLater();
        assertThrows(TimeoutException.class, () -> second.get(300, TimeUnit.MILLISECONDS),
                "a second connection went ahead before the first one's login");
        breaker.succeeded();
        second.get(5, TimeUnit.SECONDS);
        // proven: connections no longer wait for each other
        connectLater().get(5, TimeUnit.SECONDS);
    }

    @Test
    void afterAPauseAnIdleLoggedInConnectionWaitsForTheProbeToo() throws Exception {
        breaker.succeeded();
        TargetPool.Share route = pool.forRoute("a.yaml", RemoteDir.of("in"));
        Connection first = route.acquire();
        route.release(route.acquire());
        route.release(first);
        breaker.failed(new DataConnectionException("Cannot open the data connection to 10.0.0.9:40000"));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(breaker::isOpen);
        // the probe: an idle connection, logged in before the failure
        Connection probe = route.acquire();
        CompletableFuture<Connection> other = acquireLater(route);
        assertThrows(TimeoutException.class, () -> other.get(300, TimeUnit.MILLISECONDS),
                "an idle connection went ahead while the probe's upload had no outcome");
        // the server answered about the probe's file (a refused STOR): the target works, the others go on
        route.uploadFailed();
        route.release(other.get(5, TimeUnit.SECONDS));
        route.release(probe);
        assertNull(breaker.problem());
    }

    @Test
    void aRefusedLoginStopsTheConnectionsThatWaitedForIt() throws Exception {
        breaker.admit();
        CompletableFuture<Void> second = connectLater();
        assertThrows(TimeoutException.class, () -> second.get(300, TimeUnit.MILLISECONDS));
        breaker.failed(new LoginRefusedException("Login to localhost:21 as 'u' refused: 530"));
        Exception refused = assertThrows(Exception.class, () -> second.get(5, TimeUnit.SECONDS));
        assertTrue(refused.getCause() instanceof TargetPausedException, refused.toString());
    }

}
