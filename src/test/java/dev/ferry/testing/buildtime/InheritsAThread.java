package dev.ferry.testing.buildtime;

/** A thread in a field the class inherits from the project's own superclass. */
public final class InheritsAThread extends ThreadHolder {

    static final InheritsAThread INSTANCE = new InheritsAThread();

    private InheritsAThread() {
    }
}
