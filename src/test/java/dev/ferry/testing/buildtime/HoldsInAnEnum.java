package dev.ferry.testing.buildtime;

/** An enum constant holding a thread: reached from the constant and from the values array, found once. */
public enum HoldsInAnEnum {

    ONE;

    final Thread thread = new Thread(() -> {
    });
}
