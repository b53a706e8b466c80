package dev.ferry.testing.buildtime;

/** The superclass whose field {@link InheritsAThread} inherits. */
public class ThreadHolder {

    final Thread thread = new Thread(() -> {
    });
}
