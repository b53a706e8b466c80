package dev.ferry.testing.buildtime;

/** A static initialiser that fails: the image build would fail the same way. */
public final class CannotBeInitialised {

    static final int[] SIZES = sizes();

    private CannotBeInitialised() {
    }

    private static int[] sizes() {
        throw new IllegalStateException("no sizes at build time");
    }
}
