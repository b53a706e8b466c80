package dev.ferry.testing.buildtime;

import java.security.SecureRandom;

/** The mistake native-image found in TargetCheck: a static seeded random. */
public final class HoldsARandom {

    static final SecureRandom IDS = new SecureRandom();

    private HoldsARandom() {
    }
}
