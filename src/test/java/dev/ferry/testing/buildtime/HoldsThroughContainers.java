package dev.ferry.testing.buildtime;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** A thread behind a map, an array, an optional and an atomic reference. */
public final class HoldsThroughContainers {

    static final Map<String, Object[]> TABLE = Map.of("workers",
            new Object[]{Optional.of(new AtomicReference<>(new Thread(() -> {
            })))});

    private HoldsThroughContainers() {
    }
}
