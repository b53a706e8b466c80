package dev.ferry.testing.buildtime;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Pattern;

/** What a static field may hold: values that are the same on every host. */
public final class HoldsConstants {

    static final Pattern NAME = Pattern.compile("[a-z]+");
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd");
    static final Map<String, Duration> WAITS = Map.of("short", Duration.ofSeconds(1));
    /** A JDK lambda: judged by its type, never read into. */
    static final Comparator<Path> BY_NAME = Comparator.comparing(Path::getFileName);

    private HoldsConstants() {
    }
}
