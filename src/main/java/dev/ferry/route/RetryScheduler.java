package dev.ferry.route;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;

/**
 * Where the routes' files wait for their next attempt (Camel's asynchronous delayed redelivery): no upload thread and
 * no connection is held meanwhile, so a file waiting minutes for its retry holds back no other file. The attempt then
 * runs on one of these threads.
 * <p>
 * Camel's graceful stop would wait for every scheduled attempt as for a file in flight, up to
 * {@code camel.main.shutdown-timeout}. Once Camel is stopping, every waiting attempt is made due at once: the error
 * handler, prepared for the stop ({@code allowRedeliveryWhileStopping=false}), refuses it, and the file stays in its
 * source for the next start, as with a synchronous wait.
 */
final class RetryScheduler extends ScheduledThreadPoolExecutor {

    private static final long STOP_CHECK_MILLIS = 250;

    private final Set<Waiting> waiting = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService stopCheck = Executors.newSingleThreadScheduledExecutor(daemonThreads(
            "ferry-retry-stop"));

    RetryScheduler(CamelContext camel, int threads) {
        super(threads, daemonThreads("ferry-retry"));
        setRemoveOnCancelPolicy(true);
        // on a thread of its own: every retry thread may be busy with an attempt
        stopCheck.scheduleWithFixedDelay(() -> {
            if (camel.isStopping() || camel.isStopped()) {
                dueNow();
            }
        }, STOP_CHECK_MILLIS, STOP_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void shutdown() {
        stopCheck.shutdownNow();
        super.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        stopCheck.shutdownNow();
        return super.shutdownNow();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Waiting attempt = new Waiting(command);
        waiting.add(attempt);
        attempt.future = super.schedule(attempt, delay, unit);
        return attempt.future;
    }

    /** Every attempt still waiting runs now. */
    void dueNow() {
        for (Waiting attempt : waiting) {
            ScheduledFuture<?> future = attempt.future;
            if (future != null && future.cancel(false)) {
                super.schedule(attempt, 0, TimeUnit.NANOSECONDS);
            }
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private final class Waiting implements Runnable {

        private final Runnable command;
        private volatile ScheduledFuture<?> future;

        Waiting(Runnable command) {
            this.command = command;
        }

        @Override
        public void run() {
            if (waiting.remove(this)) {
                command.run();
            }
        }
    }
}
