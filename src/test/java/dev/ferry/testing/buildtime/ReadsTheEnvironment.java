package dev.ferry.testing.buildtime;

/** An environment variable read into a constant. */
public final class ReadsTheEnvironment {

    static final String HOME = System.getenv("HOME");

    private ReadsTheEnvironment() {
    }
}
