package dev.ferry.cluster;

import dev.ferry.ftps.Names;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * How a database failure reads in log lines and in readiness: the database by its JDBC URL without the parameters
 * (which may hold a password), the failure by its root cause's first line, both printable.
 */
final class Reasons {

    static final String NO_URL = "no URL";

    private Reasons() {
    }

    /** "the database cannot be reached (URL): cause". */
    static String unreachable(Throwable e) {
        return "the database cannot be reached (" + url() + "): " + message(e);
    }

    /** The JDBC URL without its parameters, or {@link #NO_URL}. */
    static String url() {
        String url = ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.jdbc.url", String.class)
                .orElse(NO_URL);
        int parameters = url.indexOf('?');
        return Names.printable(parameters < 0 ? url : url.substring(0, parameters));
    }

    /** The root cause's message, its first line. */
    static String message(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return Names.printable(text.lines().findFirst().orElse(text));
    }
}
