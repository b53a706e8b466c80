package dev.ferry.testing.buildtime;

import java.security.SecureRandom;

/** A random drawn into a primitive: nothing is held, the value is still the build's. */
public final class DrawsARandom {

    static final long SALT = new SecureRandom().nextLong();

    private DrawsARandom() {
    }
}
