package dev.ferry.ftps;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that ends network waits gone on too long ({@link Deadline}) and cuts stalled uploads
 * ({@link UploadWatch}) for a target's connections; {@link TargetPool} starts it and the application stops
 * it when it stops.
 */
public final class NetworkTimer implements AutoCloseable {

    private final ScheduledExecutorService executor;

    private NetworkTimer(String name) {
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            // never what keeps the JVM alive: the application's own shutdown comes first
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts a timer whose thread is named {@code name}. */
    public static NetworkTimer start(String name) {
        return new NetworkTimer(name);
    }

    ScheduledFuture<?> after(Duration delay, Runnable task) {
        return executor.schedule(task, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    ScheduledFuture<?> everySecond(Runnable task) {
        return executor.scheduleWithFixedDelay(task, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
