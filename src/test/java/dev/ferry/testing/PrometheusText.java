package dev.ferry.testing;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Samples of the Prometheus text that {@code /q/metrics} serves. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /** The value of one sample, by metric name and its exact label set ({@code route="upload",target="t"}). */
    public static double value(String metrics, String name, String labels) {
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(metrics);
        while (sample.find()) {
            if (sorted(sample.group(1)).equals(sorted(labels))) {
                return Double.parseDouble(sample.group(2));
            }
        }
        throw new AssertionError("no sample " + name + "{" + labels + "} in:\n" + metrics);
    }

    private static List<String> sorted(String labels) {
        return Arrays.stream(labels.split(",")).map(String::trim).filter(l -> !l.isEmpty()).sorted().toList();
    }
}
