package dev.ferry.route;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.ferry.cluster.ClusterUnavailableException;
import dev.ferry.ftps.Causes;
import dev.ferry.ftps.TargetUnavailableException;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFileOperationFailedException;

/**
 * A failed attempt as the route sees it: the exchange's failure, whether it is the target's problem (by type:
 * {@link TargetUnavailableException} anywhere in the chain), the server's reply it carries, and one line that
 * describes it for logs, {@code .error} reports and the audit trail.
 */
final class Failures {

    private Failures() {
    }

    /** The claims' database cannot be used (cluster mode): not the file's fault either. */
    static boolean isClusterProblem(Exchange exchange) {
        return Causes.find(of(exchange), ClusterUnavailableException.class).isPresent();
    }

    static boolean isTargetProblem(Exchange exchange) {
        return Causes.find(of(exchange), TargetUnavailableException.class).isPresent();
    }

    /** While the error handler chooses a policy the failure is still the exchange's exception; after, a property. */
    static Exception of(Exchange exchange) {
        Exception current = exchange.getException();
        return current != null ? current : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }

    /** The server's last reply code and text, when the failure carries them. */
    static String reply(Throwable error) {
        for (Throwable t : Causes.chain(error)) {
            if (t instanceof GenericFileOperationFailedException e && e.getCode() > 0) {
                String reason = e.getReason() == null ? "" : e.getReason().trim();
                return reason.startsWith(String.valueOf(e.getCode())) ? reason : (e.getCode() + " " + reason).trim();
            }
        }
        return null;
    }

    /** The messages of the failure's chain, outermost first, leaving out wrappers that only repeat their cause. */
    static String describe(Throwable error) {
        List<String> parts = new ArrayList<>();
        for (Throwable t : Causes.chain(error)) {
            parts.add(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().trim());
        }
        Set<String> kept = new LinkedHashSet<>();
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            boolean repeatsCause = parts.subList(i + 1, parts.size()).stream()
                    .anyMatch(inner -> !inner.isEmpty() && part.contains(inner));
            if (!repeatsCause) {
                kept.add(part);
            }
        }
        return String.join(" <- ", kept);
    }
}
