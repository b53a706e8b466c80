package dev.ferry.testing.buildtime;

/** A clock reading taken by a helper the static initialiser calls. */
public final class ReadsTheClock {

    static final long STARTED = now();

    private static long now() {
        return System.currentTimeMillis();
    }

    private ReadsTheClock() {
    }
}
