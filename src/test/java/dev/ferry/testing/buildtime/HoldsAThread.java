package dev.ferry.testing.buildtime;

import java.util.List;

/** A thread reached through the project's own object in a list. */
public final class HoldsAThread {

    static final List<Worker> WORKERS = List.of(new Worker(new Thread(() -> {
    })));

    record Worker(Thread thread) {
    }

    private HoldsAThread() {
    }
}
