package dev.ferry.upload;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads one route uploads on, one per connection it may hold. The route's poll hands each file over and waits
 * while as many files are queued as there are threads: a poll never takes more than that into memory ahead of the
 * uploads, and with one thread the files go out in the order the poll sorted them.
 */
public final class Workers {

    private Workers() {
    }

    public static ExecutorService start(String name, int threads) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads), factory, (task, pool) -> waitForRoom(task, pool));
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** The poll waits for a free place in the queue instead of running the upload itself or dropping it. */
    private static void waitForRoom(Runnable task, ThreadPoolExecutor pool) {
        try {
            while (!pool.isShutdown()) {
                if (pool.getQueue().offer(task, 100, TimeUnit.MILLISECONDS)) {
                    // in case every thread had just timed out idle
                    pool.prestartCoreThread();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new RejectedExecutionException(Thread.currentThread().isInterrupted()
                ? "interrupted while waiting to hand a file over"
                : "the route's upload threads have stopped");
    }
}
